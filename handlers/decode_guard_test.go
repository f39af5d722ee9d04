package handlers_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
	"github.com/shopspring/decimal"
)

// slowPathFields are the members of calc.Request (JSON paths, "[]" for an
// array's elements) that DecodeRequest leaves to the reflection decoder on
// purpose, with the reason. Every other member is read by the fast path:
// TestDecodeFastCoversRequest fails when one is not, so a new request
// field comes with its line in decode_fast.go or here.
var slowPathFields = map[string]string{
	// A scenario is a built-in name or a whole object (calc.ScenarioRef's
	// own UnmarshalJSON), and each one re-runs the calculation: its
	// decoding is noise beside the work it asks for.
	"scenarios": "string-or-object union; the scenarios' own calculations dwarf the decoding",
}

// samples are a valid JSON value for each leaf type of calc.Request.
var samples = map[reflect.Type]string{
	reflect.TypeFor[string]():          `"x"`,
	reflect.TypeFor[int]():             `7`,
	reflect.TypeFor[bool]():            `true`,
	reflect.TypeFor[decimal.Decimal](): `"12.5"`,
	reflect.TypeFor[calc.Date]():       `"2025-01-31"`,
}

// wireTypes are types whose JSON form is another type's.
var wireTypes = map[reflect.Type]reflect.Type{
	reflect.TypeFor[calc.OptionalCap](): reflect.TypeFor[calc.Cap](), // null or a Cap
}

type requestLeaf struct {
	path   []string // JSON member names, "[]" for an array element
	sample string
}

func (l requestLeaf) String() string {
	return strings.ReplaceAll(strings.Join(l.path, "."), ".[]", "[]")
}

// requestLeaves walks t as json v2 sees it and returns every leaf member
// below path, leaving out slowPathFields; seen collects the slow ones met.
func requestLeaves(t *testing.T, typ reflect.Type, path []string, seen map[string]bool) []requestLeaf {
	name := requestLeaf{path: path}.String()
	if _, slow := slowPathFields[name]; slow && len(path) > 0 {
		seen[name] = true
		return nil
	}
	if w, ok := wireTypes[typ]; ok {
		typ = w
	}
	if s, ok := samples[typ]; ok {
		return []requestLeaf{{clone(path), s}}
	}
	if typ.Kind() == reflect.Pointer {
		return requestLeaves(t, typ.Elem(), path, seen)
	}
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	if typ.Implements(unmarshaler) || reflect.PointerTo(typ).Implements(unmarshaler) {
		t.Fatalf("%s: %v reads itself (UnmarshalJSON): give it a sample and a fast reader, or list it in slowPathFields", name, typ)
	}
	switch typ.Kind() {
	case reflect.Slice:
		return requestLeaves(t, typ.Elem(), append(clone(path), "[]"), seen)
	case reflect.Struct:
		var out []requestLeaf
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || tag == "-" {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			out = append(out, requestLeaves(t, f.Type, append(clone(path), tag), seen)...)
		}
		return out
	}
	t.Fatalf("%s: no sample JSON for %v: add one to samples, or list the field in slowPathFields", name, typ)
	return nil
}

func clone(s []string) []string { return append([]string(nil), s...) }

// requestBody builds one request holding the given leaves; leaves below
// the same array share its one element.
func requestBody(leaves ...requestLeaf) []byte {
	root := &jsonNode{}
	for _, l := range leaves {
		root.add(l.path, l.sample)
	}
	return []byte(root.String())
}

// jsonNode is an object (fields), an array of one element (elem) or a
// leaf value (raw).
type jsonNode struct {
	fields map[string]*jsonNode
	names  []string // fields in the order added
	elem   *jsonNode
	raw    string
}

func (n *jsonNode) add(path []string, sample string) {
	switch {
	case len(path) == 0:
		n.raw = sample
	case path[0] == "[]":
		if n.elem == nil {
			n.elem = &jsonNode{}
		}
		n.elem.add(path[1:], sample)
	default:
		if n.fields == nil {
			n.fields = map[string]*jsonNode{}
		}
		c := n.fields[path[0]]
		if c == nil {
			c = &jsonNode{}
			n.fields[path[0]] = c
			n.names = append(n.names, path[0])
		}
		c.add(path[1:], sample)
	}
}

func (n *jsonNode) String() string {
	switch {
	case n.raw != "":
		return n.raw
	case n.elem != nil:
		return "[" + n.elem.String() + "]"
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range n.names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + name + `":` + n.fields[name].String())
	}
	b.WriteByte('}')
	return b.String()
}

// TestDecodeFastCoversRequest is the guard of the fast decoder: every
// member of calc.Request reachable by reflection, alone and all together,
// is read by decodeFast into the very request decodeReflect builds, but
// for the members listed in slowPathFields. A new request field that the
// fast path does not know fails here instead of silently costing every
// request that uses it the reflection decoder.
func TestDecodeFastCoversRequest(t *testing.T) {
	seen := map[string]bool{}
	leaves := requestLeaves(t, reflect.TypeFor[calc.Request](), nil, seen)
	if len(leaves) < 40 {
		t.Fatalf("only %d request members found: the walk is wrong", len(leaves))
	}
	for name := range slowPathFields {
		if !seen[name] {
			t.Errorf("slowPathFields lists %s, which calc.Request does not have", name)
		}
	}
	check := func(name string, body []byte) {
		t.Helper()
		want, err := wire.DecodeReflect(body, "en")
		if err != nil {
			t.Fatalf("%s: the reference refuses the sample body %s: %v", name, body, err)
		}
		got, ok := wire.DecodeFast(body)
		if !ok {
			t.Errorf("%s goes to the slow path (body %s): read it in decode_fast.go, or list it in slowPathFields with the reason", name, body)
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the fast path reads %s otherwise than the reference:\n fast %+v\n  ref %+v", name, body, got, want)
		}
	}
	for _, l := range leaves {
		check(l.String(), requestBody(l))
	}
	check("every member at once", requestBody(leaves...))
}
