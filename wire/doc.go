// Package wire is the JSON request/response wire of the service, shared by
// the HTTP handlers and the command line: [DecodeRequest] (with its fast
// path [DecodeFast] and reference [DecodeReflect]), [DecodeClaim],
// [DecodeRegister], [DecodeReconcileRequest], [EncodeResult] and
// [AppendResult], [ParseDecimal], and the RFC 9457 [Problem] a body that
// cannot be decoded is answered with (handlers writes it over HTTP, cmd
// prints it). The schedule CSV is report.WriteScheduleCSV, used by both.
// No HTTP here: decoding errors are values, not responses.
package wire
