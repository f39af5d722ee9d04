// Package handlers is the HTTP adapter of the subsidy service: the JSON API
// of API.md, the calculator pages and the operational endpoints, served by
// Fiber v2. It decodes requests and encodes results with package wire
// (shared with the command line), calls [calc.Calculate]; every domain rule
// lives in package calc.
//
// Building blocks for every route (the batch routes use them too):
//   - [Problem] (wire.Problem), [NewProblem] and [WriteProblem]: RFC 9457
//     problem+json answers. A handler may simply return a *Problem, a *calc.Error or a
//     *fiber.Error: the server's error mapper (problemFor, called by
//     Server.errorHandler) turns any error into a problem, so statuses are
//     decided in exactly one place, and internal error text never reaches
//     a client.
//   - [Lang]: the language of a request ("ru" by default; "en" by
//     ?lang=en or Accept-Language). [T] looks up page texts.
//   - [RequestID]: the id of a request, in X-Request-Id, in problems and in
//     every log line about it.
//   - wire.DecodeRequest: strict JSON decoding of a calculation request;
//     wire.ParseDecimal: the guarded parser of every number from outside;
//     wire.EncodeResult: a result as the API answers it.
//   - [Slots]: the calculation slots of Config.MaxInFlight, shared with
//     the batch manager's rows (cmd creates them and hands them to both).
//   - Server methods: render (a page of templates/ in the layout), limit
//     (holds one of the Slots), checkBody (body limit
//     and content type), calculate (calc.Calculate with the server's rate
//     book and metrics), onShutdown and addReadyCheck (lifecycle hooks).
package handlers
