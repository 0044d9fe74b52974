// Package demodata makes the people and keys of keydesk's demo database
// (store.FillDemo): the same ones for the same counts.
package demodata

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// Profiles are the access profiles of the demo, besides Default.
var Profiles = []struct {
	Name  string
	Rules model.ProfileRules
}{
	{"Standard", model.ProfileRules{RequirePIN: true, PINExpiryDays: 180, PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5}},
	{"High security", model.ProfileRules{RequirePIN: true, PINExpiryDays: 90, PINMinLength: 8, PINMaxLength: 12,
		WrongPINLimit: 3, RequireButton: true, RequireServerConfirm: true}},
	{"Shared desk", model.ProfileRules{RequirePIN: true, PINMinLength: 4, PINMaxLength: 6, WrongPINLimit: 10, RequireButton: true}},
}

// Companies are the companies employees work for.
var Companies = []string{"Northwind Traders", "Contoso Ltd", "Fabrikam Inc"}

var models = []struct{ name, firmware string }{
	{"IPI Key 3", "3.4.2"}, {"IPI Key 3", "3.5.0"}, {"IPI Key 4", "4.1.7"}, {"IPI Key 4 NFC", "4.2.1"},
}

// Key is the i-th demo key; rng picks its model.
func Key(i int, rng *rand.Rand) model.KeyInput {
	m := models[rng.IntN(len(models))]
	mac := fmt.Sprintf("D0:7E:%02X:%02X:%02X:%02X", byte(i>>24), byte(i>>16), byte(i>>8), byte(i))
	return model.KeyInput{
		Serial:   fmt.Sprintf("ST1010%010d", 2310000+i),
		MAC:      mac,
		Model:    m.name,
		Firmware: m.firmware,
		RFID:     fmt.Sprintf("%010X", 0x3A00000000+uint64(i)*7919),
	}
}

var (
	firstNames = strings.Fields(`Olivia Liam Emma Noah Ava Oliver Sophia Elijah Isabella James Mia William
		Amelia Benjamin Harper Lucas Evelyn Henry Abigail Alexander Emily Daniel Ella Michael Elizabeth
		Mateo Camila Sebastian Luna Jack Sofia Owen Avery Samuel Mila Ethan Aria Leo Scarlett Levi
		Penelope Aiden Layla Joseph Chloe Wyatt Victoria John Madison David Eleanor Luke Grace Julian
		Nora Anna Oscar Hanna Marta Pavel Olena Taras Ines Kenji Yuki Amara Kofi Priya Arjun Lena Jonas`)
	lastNames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
		Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
		White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
		Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Kowalski
		Novak Schmidt Fischer Weber Meyer Rossi Bianchi Dubois Moreau Silva Santos Tanaka Sato Kim Park
		Shevchenko Bondarenko Kovalenko Petrenko Larsen Jensen Nielsen Berg Lindqvist Okafor Mensah`)
	departments = []struct {
		name      string
		positions []string
	}{
		{"Finance", []string{"Accountant", "Controller", "Payroll Specialist", "CFO"}},
		{"IT", []string{"System Administrator", "Help Desk Technician", "Network Engineer", "Security Analyst"}},
		{"Sales", []string{"Account Executive", "Sales Manager", "Sales Representative"}},
		{"Operations", []string{"Operations Manager", "Logistics Coordinator", "Warehouse Lead"}},
		{"Human Resources", []string{"HR Generalist", "Recruiter", "HR Director"}},
		{"Engineering", []string{"Software Engineer", "QA Engineer", "Engineering Manager"}},
		{"Legal", []string{"Counsel", "Paralegal"}},
	}
)

// Name gives every index its own first + last name pair; past the
// plain pairs, a second surname keeps them unique.
func Name(i int) (first, last string) {
	nf, nl := len(firstNames), len(lastNames)
	// Shifting the surname by the first name's place mixes the pairs (a
	// small demo is not all Smiths) and keeps them unique: two indexes with
	// the same first name differ in i/nf.
	first = firstNames[i%nf]
	last = lastNames[(i/nf+(i%nf)*17)%nl]
	if extra := i / (nf * nl); extra > 0 {
		last += "-" + lastNames[(extra-1)%nl]
		if extra > nl {
			last += fmt.Sprintf("-%d", extra/nl)
		}
	}
	return first, last
}

// Employee is the i-th demo employee; rng picks their department,
// position and phone.
func Employee(i int, rng *rand.Rand) model.EmployeeInput {
	first, last := Name(i)
	dep := departments[rng.IntN(len(departments))]
	return model.EmployeeInput{
		FirstName:  first,
		LastName:   last,
		Email:      strings.ToLower(first + "." + last + "@example.com"),
		Phone:      fmt.Sprintf("+1 555 %03d %04d", rng.IntN(1000), rng.IntN(10000)),
		Department: dep.name,
		Position:   dep.positions[rng.IntN(len(dep.positions))],
	}
}
