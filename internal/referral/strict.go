package referral

import (
	"bytes"
	"encoding"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// Strict checks b, one valid JSON value, against t, the type it is to be
// decoded into, and returns a problem for every key an object of b holds
// twice (the very same key, or one that differs only in case, which
// encoding/json would fold onto the same field), and every part of b that
// does not fit t: unknown fields (names match exactly), values of the
// wrong type, and enums and dates that t's UnmarshalText refuses. A null
// fits anything, as encoding/json leaves the zero value, but for an entry
// of a list of objects, which must be an object. Problems name the field
// by its path in b: "members[0].sex", "" for the whole value.
//
// encoding/json alone reports the first problem only, names no field for
// an unknown enum value, matches field names without regard to case, and
// keeps the last of a field given twice. A field given twice could carry
// one value past a reviewer's eye and another into Haven, so it is
// refused, never settled.
func Strict(b []byte, t reflect.Type) []Problem {
	var p problems
	duplicates(&p, b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		p.add("", Syntax, "the JSON is not valid")
		return p
	}
	check(&p, "", tree, t)
	return p
}

type problems []Problem

func (p *problems) add(path string, k Kind, msg string) {
	*p = append(*p, Problem{Referral: -1, Field: path, Kind: k, Message: msg})
}

// duplicates adds to p a problem for every key of a JSON object of b that
// the same object holds already, naming the later key.
func duplicates(p *problems, b []byte) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var walk func(path string) bool
	walk = func(path string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]string{} // folded key: the key as first given
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := tok.(string)
				// Upper then lower case folds as encoding/json does,
				// "ſ" onto "s" and the Kelvin sign onto "k" included.
				folded := strings.ToLower(strings.ToUpper(k))
				switch first, ok := seen[folded]; {
				case ok && first == k:
					p.add(join(path, k), Twice, "this field is given twice: give each field once")
				case ok:
					p.add(join(path, k), Twice, "this field is also given as "+strconv.Quote(first)+": give each field once, named exactly")
				default:
					seen[folded] = k
				}
				if !walk(join(path, k)) {
					return false
				}
			}
			_, err := dec.Token() // '}'
			return err == nil
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if !walk(path + "[" + strconv.Itoa(i) + "]") {
					return false
				}
			}
			_, err := dec.Token() // ']'
			return err == nil
		}
		return true
	}
	walk("")
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	dateType        = reflect.TypeFor[haven.Date]()
)

// check adds to p a problem for every part of the JSON value v (as decoded
// with UseNumber) that does not fit type t.
func check(p *problems, path string, v any, t reflect.Type) {
	if v == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		s, ok := v.(string)
		if !ok {
			p.add(path, WantText, "expected a string")
			return
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			k := BadValue
			if t == dateType {
				k = BadDate
			}
			p.add(path, k, haven.ErrorMessageOf(err))
		}
		return
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			p.add(path, WantText, "expected a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			p.add(path, WantBool, "expected true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			p.add(path, WantNumber, "expected a whole number")
			return
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			p.add(path, WantNumber, "expected a whole number in range")
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			p.add(path, WantList, "expected a list")
			return
		}
		for i, e := range list {
			at := path + "[" + strconv.Itoa(i) + "]"
			if e == nil && t.Elem().Kind() == reflect.Struct && !reflect.PointerTo(t.Elem()).Implements(textUnmarshaler) {
				// An entry of a list of objects is one: a null would
				// stand for an entry of nothing but zero values.
				p.add(at, WantObject, "expected an object")
				continue
			}
			check(p, at, e, t.Elem())
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			p.add(path, WantObject, "expected an object")
			return
		}
		kt := t.Key()
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if reflect.PointerTo(kt).Implements(textUnmarshaler) {
				if err := reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k)); err != nil {
					p.add(path, BadValue, haven.ErrorMessageOf(err))
					continue
				}
			}
			check(p, path+"."+k, obj[k], t.Elem())
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			p.add(path, WantObject, "expected an object")
			return
		}
		fields := jsonFields(t)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			f, ok := fields[k]
			if !ok {
				p.add(join(path, k), Unknown, "unknown field")
				continue
			}
			check(p, join(path, k), obj[k], f.Type)
		}
	default:
		// Input types use none of the other kinds.
		p.add(path, Unknown, "this field cannot be set")
	}
}

// jsonFields maps the JSON names of t's fields to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "" {
			out[name] = t.Field(i)
		}
	}
	return out
}

// jsonName is the name encoding/json gives f, or "" for none.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
