package handlers

// The two decoders behind DecodeRequest, for the differential tests of
// package handlers_test.
var (
	DecodeFast    = decodeFast
	DecodeReflect = decodeReflect
)
