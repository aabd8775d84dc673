package vault_test

import (
	"fmt"
	"log"

	"github.com/havenhrd/haven/internal/vault"
)

// Example shows the life of one case's data key: create it, seal a field,
// rotate the KEK, re-wrap the key, and open the field again.
func Example() {
	kr, err := vault.GenerateKeyring(nil)
	if err != nil {
		log.Fatal(err)
	}
	v, err := vault.New(kr)
	if err != nil {
		log.Fatal(err)
	}

	// A new case gets a data key; the wrapped form is stored with the case.
	key, wrapped, err := v.NewDataKey(nil, "case-42")
	if err != nil {
		log.Fatal(err)
	}
	where := vault.Binding{Subject: "case-42", Table: "persons", Column: "full_name", Row: "person-7"}
	sealed, err := key.SealString("Наталья Эстемирова", where)
	if err != nil {
		log.Fatal(err)
	}

	// Rotation: a new KEK, and the data key re-wrapped under it. The sealed
	// field is not touched.
	kr2, err := kr.Rotate(nil)
	if err != nil {
		log.Fatal(err)
	}
	v2, err := vault.New(kr2)
	if err != nil {
		log.Fatal(err)
	}
	wrapped, err = v2.Rewrap("case-42", wrapped)
	if err != nil {
		log.Fatal(err)
	}

	key2, err := v2.Unwrap("case-42", wrapped)
	if err != nil {
		log.Fatal(err)
	}
	name, err := key2.OpenString(sealed, where)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(name)
	fmt.Println(wrapped.KEKID == v2.CurrentKEKID())

	// The same ciphertext copied to another row does not open.
	where.Row = "person-8"
	_, err = key2.OpenString(sealed, where)
	fmt.Println(err)
	// Output:
	// Наталья Эстемирова
	// true
	// vault: cannot open sealed value
}
