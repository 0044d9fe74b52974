package serve

// Flush sends what a command wrote so far through a terminal session's
// buffer: a command that streams (audit follow) flushes after each batch.
func (w terminalWriter) Flush() error {
	if f, ok := w.Writer.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}
