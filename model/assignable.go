package model

import "fmt"

// Assignable refuses a key that cannot go to an employee: only a Ready key
// can (the transition table's one assign event, T2).
func Assignable(k Key) error {
	if k.Status == Ready {
		return nil
	}
	return &Refusal{Msg: fmt.Sprintf("key %s is %s: only a Ready key can be assigned", k.Serial, k.Status)}
}
