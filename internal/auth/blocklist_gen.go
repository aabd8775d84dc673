//go:build ignore

// This program regenerates blocklist.txt from a password list, one password
// a line, ordered by frequency (see README.md for the source used):
//
//	go run blocklist_gen.go SOURCE.txt > blocklist.txt
//
// Each entry is normalised as auth.CheckPassword normalises a password (NFKC,
// then lower case), entries shorter than 8 code points after that are dropped,
// duplicates are removed, and the result is sorted bytewise so that the
// package can binary-search the embedded file without building an index.
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const minLen = 8

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run blocklist_gen.go SOURCE.txt > blocklist.txt")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !utf8.ValidString(line) || strings.ContainsFunc(line, unicode.IsControl) {
			continue
		}
		key := strings.ToLower(norm.NFKC.String(line))
		if utf8.RuneCountInString(key) < minLen || strings.Contains(key, "\n") {
			continue
		}
		seen[key] = true
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w := bufio.NewWriter(os.Stdout)
	for _, k := range keys {
		w.WriteString(k)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
