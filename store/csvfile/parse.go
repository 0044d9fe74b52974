package csvfile

import (
	"context"
	"io"
)

// Parse reads a CSV file of other columns the same way as ParseKeys and
// ParseEmployees (bounded lines, a header naming columns in any order,
// the required ones present): row gets each good line's fields in the
// order of known ("" for a column the file lacks) and must not keep the
// slice. The directory's snapshot is read with it.
func Parse(ctx context.Context, r io.Reader, known, required []string, row func(line int, fields []string)) error {
	return parseCSV(ctx, r, known, required, row)
}
