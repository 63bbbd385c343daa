package govuk

import (
	"testing"

	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// This file maps a fixture's Nunjucks `options` (decoded JSON) onto the Go
// options structs:
//
//   - a JSON key matches the struct field of the same name, ignoring case
//     (idPrefix → IDPrefix, titleHtml → TitleHTML, maxlength → MaxLength);
//     a key with no matching field is an error, so a fixture that uses an
//     option the Go API lacks cannot pass silently;
//   - html strings become templ.Raw components; `{ html: … }` objects (the
//     conditional option) become the component of their html;
//   - numbers and booleans given where Go has a string are printed as
//     Nunjucks prints them (1 → "1", false → "false");
//   - attributes map to templ.Attributes: plain values are printed as
//     strings; `{ value, optional: true }` values follow govukAttributes
//     (true → bare attribute, null/false → left out);
//   - falsy entries of lists (null, false, "") are dropped, as the macros
//     skip them;
//   - null or false for an object option leaves the pointer nil.

var (
	componentType  = reflect.TypeFor[templ.Component]()
	attributesType = reflect.TypeFor[templ.Attributes]()
)

func decodeOptions(dst any, raw map[string]any) error {
	return setValue(reflect.ValueOf(dst).Elem(), raw, "options")
}

func falsy(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	}
	return false
}

func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

func setValue(v reflect.Value, raw any, path string) error {
	t := v.Type()
	switch {
	case t == componentType:
		return setComponent(v, raw, path)
	case t == attributesType:
		return setAttributes(v, raw, path)
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := scalarString(raw)
		if !ok {
			return fmt.Errorf("%s: want a string, got %T", path, raw)
		}
		v.SetString(s)
	case reflect.Int:
		switch r := raw.(type) {
		case nil:
		case json.Number:
			n, err := r.Int64()
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			v.SetInt(n)
		case string:
			n, err := strconv.Atoi(r)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			v.SetInt(int64(n))
		default:
			return fmt.Errorf("%s: want a number, got %T", path, raw)
		}
	case reflect.Bool:
		switch r := raw.(type) {
		case nil:
		case bool:
			v.SetBool(r)
		default:
			return fmt.Errorf("%s: want a boolean, got %T", path, raw)
		}
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Struct {
			if falsy(raw) {
				return nil
			}
		} else if raw == nil {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := setValue(p.Elem(), raw, path); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Struct:
		if falsy(raw) {
			return nil
		}
		m, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object, got %T", path, raw)
		}
		for key, val := range m {
			f, ok := fieldFor(t, key)
			if !ok {
				return fmt.Errorf("%s.%s: option not supported by %s", path, key, t.Name())
			}
			if err := setValue(v.FieldByIndex(f.Index), val, path+"."+key); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if raw == nil {
			return nil
		}
		list, ok := raw.([]any)
		if !ok {
			return fmt.Errorf("%s: want a list, got %T", path, raw)
		}
		s := reflect.MakeSlice(t, 0, len(list))
		for i, el := range list {
			if falsy(el) {
				continue
			}
			e := reflect.New(t.Elem()).Elem()
			if err := setValue(e, el, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
			s = reflect.Append(s, e)
		}
		v.Set(s)
	case reflect.Map:
		if raw == nil {
			return nil
		}
		m, ok := raw.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String {
			return fmt.Errorf("%s: cannot map %T to %s", path, raw, t)
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for k, val := range m {
			s, ok := scalarString(val)
			if !ok {
				return fmt.Errorf("%s.%s: want a string, got %T", path, k, val)
			}
			out.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(s))
		}
		v.Set(out)
	default:
		return fmt.Errorf("%s: unsupported Go type %s", path, t)
	}
	return nil
}

func fieldFor(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && strings.EqualFold(f.Name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func setComponent(v reflect.Value, raw any, path string) error {
	switch r := raw.(type) {
	case nil, bool:
		if r == true {
			return fmt.Errorf("%s: want HTML, got true", path)
		}
		return nil
	case string:
		if r != "" {
			v.Set(reflect.ValueOf(templ.Raw(r)))
		}
		return nil
	case map[string]any:
		for k := range r {
			if k != "html" {
				return fmt.Errorf("%s.%s: option not supported here", path, k)
			}
		}
		return setComponent(v, r["html"], path+".html")
	}
	return fmt.Errorf("%s: want HTML, got %T", path, raw)
}

func setAttributes(v reflect.Value, raw any, path string) error {
	if raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: attributes as %T not supported", path, raw)
	}
	attrs := templ.Attributes{}
	for name, val := range m {
		if opt, ok := val.(map[string]any); ok {
			value := opt["value"]
			if optional, _ := opt["optional"].(bool); optional {
				switch value {
				case nil, false:
					continue
				case true:
					attrs[name] = true
					continue
				}
			}
			val = value
		}
		s, ok := scalarString(val)
		if !ok {
			return fmt.Errorf("%s.%s: unsupported attribute value %T", path, name, val)
		}
		attrs[name] = s
	}
	v.Set(reflect.ValueOf(attrs))
	return nil
}

// truthyObjects returns the object entries of a list, skipping falsy ones
// as setValue does, so hooks can line raw entries up with decoded items.
func truthyObjects(raw any) []map[string]any {
	list, _ := raw.([]any)
	var out []map[string]any
	for _, el := range list {
		if falsy(el) {
			continue
		}
		m, _ := el.(map[string]any)
		out = append(out, m)
	}
	return out
}

func TestDecodeOptionsRejectsUnsupportedOptions(t *testing.T) {
	var o ButtonOptions
	if err := decodeOptions(&o, map[string]any{"text": "Go", "element": "input"}); err == nil {
		t.Error("an unknown option decoded without error")
	}
	var r RadiosOptions
	err := decodeOptions(&r, map[string]any{"items": []any{map[string]any{"value": "a", "conditional": map[string]any{"html": "x", "other": 1}}}})
	if err == nil {
		t.Error("an unknown key in a conditional decoded without error")
	}
}
