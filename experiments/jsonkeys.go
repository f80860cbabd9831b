package experiments

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// checkJSONObject reports what encoding/json lets pass in a settings file without a word: a
// top-level value that is not an object (null ran the defaults), and a key given twice in one
// object, which json keeps the last of. Keys are compared as json matches them to fields,
// without regard to case, so "Epochs" beside "epochs" is a duplicate too. Syntax errors are
// left to the decoder that follows.
func checkJSONObject(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil // the decoder names it
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object of settings ({...}), not %s", jsonKind(tok))
	}
	if err := checkObjectKeys(dec, ""); err != nil && !isSyntax(err) {
		return err
	}
	return nil
}

// checkObjectKeys reads an object's members after its '{' through its '}', recursing into
// nested values; path names the object in messages ("" for the top level).
func checkObjectKeys(dec *json.Decoder, path string) error {
	seen := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		full := key
		if path != "" {
			full = path + "." + key
		}
		if first, ok := seen[strings.ToLower(key)]; ok {
			if first == key {
				return fmt.Errorf("the setting %q is given twice", full)
			}
			return fmt.Errorf("the setting %q is given twice (as %q and %q)", full, first, key)
		}
		seen[strings.ToLower(key)] = key
		if err := skipValue(dec, full); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// skipValue reads one value, checking the keys of the objects inside it.
func skipValue(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return checkObjectKeys(dec, path)
	case json.Delim('['):
		for dec.More() {
			if err := skipValue(dec, path); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}

// isSyntax reports a malformed document, which the decoder reports in its own words.
func isSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// jsonKind names the first token of a JSON value for a message.
func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("%v", v)
	default:
		return fmt.Sprintf("the number %v", v)
	}
}
