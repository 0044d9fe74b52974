package store

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
)

// DirectorySource lists the people of a directory: the whole current list,
// normalized, and which employee fields the source provides.
type DirectorySource interface {
	People(ctx context.Context) ([]model.EmployeeInput, model.SyncFields, error)
	// Name says where the people come from, for the audit trail.
	Name() string
}

// snapshotColumns are the columns of a snapshot file: the employee
// columns and the external id.
var snapshotColumns = []string{"first_name", "last_name", "email", "phone", "department", "position", "company", "external_id"}

// SnapshotSource is a CSV file of every person in the directory now.
type SnapshotSource struct {
	R    io.Reader
	File string // "-" for stdin
}

func (s SnapshotSource) Name() string {
	if s.File == "-" || s.File == "" {
		return "snapshot from stdin"
	}
	return "snapshot " + s.File
}

// People reads the whole file: a bad row refuses it all (a source that
// answers wrongly is not half-believed).
func (s SnapshotSource) People(ctx context.Context) ([]model.EmployeeInput, model.SyncFields, error) {
	br := bufio.NewReaderSize(s.R, MaxImportLine+1)
	line, err := br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull:
		return nil, 0, sourceErr("the snapshot's header is longer than %d KiB", MaxImportLine>>10)
	case err != nil && err != io.EOF:
		return nil, 0, sourceErr("cannot read the snapshot: %v", err)
	}
	header := string(line)
	names, _ := csv.NewReader(strings.NewReader(header)).Read()
	fields := model.SyncFields(0)
	for _, n := range names {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(n, "\ufeff"))) {
		case "last_name":
			fields |= model.SyncLastName
		case "phone":
			fields |= model.SyncPhone
		case "department":
			fields |= model.SyncDepartment
		case "position":
			fields |= model.SyncPosition
		case "company":
			fields |= model.SyncCompany
		}
	}
	var people []model.EmployeeInput
	var bad csvfile.BadRows
	err = csvfile.Parse(ctx, io.MultiReader(strings.NewReader(header), br), snapshotColumns, []string{"first_name", "email", "external_id"},
		func(line int, f []string) {
			p, err := model.NormalizePerson(model.EmployeeInput{FirstName: f[0], LastName: f[1], Email: f[2], Phone: f[3],
				Department: f[4], Position: f[5], Company: f[6], ExternalID: f[7]})
			if err != nil {
				bad.Add(line, err.Error())
				return
			}
			people = append(people, p)
		})
	if err == nil {
		err = bad.Err()
	}
	if err != nil {
		return nil, 0, sourceErr("the snapshot cannot be used: %v", err)
	}
	return people, fields, nil
}

func sourceErr(format string, args ...any) error {
	return &model.SourceError{Msg: strings.TrimSpace(fmt.Sprintf(format, args...))}
}
