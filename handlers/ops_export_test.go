package handlers

import "slices"

// OpenAPI returns the OpenAPI document the service serves, for the tests
// of package handlers_test.
func OpenAPI() []byte { return slices.Clone(openapiYAML) }
