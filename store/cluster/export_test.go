package cluster

import (
	"context"
	"errors"
	"time"
)

// What only this package's tests use.

// CreateJoinToken registers a one-time token valid for ttl, through the
// log.
func (n *Node) CreateJoinToken(ctx context.Context, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > 7*24*time.Hour {
		return "", errors.New("a join token lasts between a second and 7 days")
	}
	token := NewJoinToken()
	r, err := n.Propose(ctx, Request{ID: NewRequestID(), Kind: KindCluster, Body: tokenCreateCommand(token, n.cfg.Now().Add(ttl))})
	if err != nil {
		return "", err
	}
	if r.Refused {
		return "", errors.New(string(r.Data))
	}
	return token, nil
}
