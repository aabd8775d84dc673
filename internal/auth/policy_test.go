package auth_test

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/havenhrd/haven/internal/auth"
)

func TestCheckPassword(t *testing.T) {
	username := []string{"mariam.khalil.ngo", "Mariam Khalil"}
	tests := []struct {
		name    string
		pw      string
		context []string
		ok      bool
	}{
		{"14 characters", "quiet-river-77", nil, false},
		{"15 characters", "quiet-river-771", nil, true},
		{"15 characters, spaces only differ", "quiet river 771", nil, true},
		{"long passphrase", "correct horse battery staple", nil, true},
		{"long Unicode passphrase", "Le cœur a ses raisons que la raison ne connaît point", nil, true},
		{"Cyrillic", "Мой дом — моя крепость, 1989", nil, true},
		{"Arabic", "الصبر مفتاح الفرج يا صديقي", nil, true},
		{"CJK", "春眠不觉晓处处闻啼鸟夜来风雨声花落", nil, true},
		{"emoji and words", "🌍🔥 moon river tango 🎺", nil, true},
		{"15 emoji", "🐱🐶🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵", nil, true},
		{"14 emoji", "🐱🐶🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸", nil, false},
		{"14 letters once composed (NFKC)", strings.Repeat("e\u0301", 7) + "lmnopqr", nil, false},
		{"fullwidth letters count once each", "ｑｕｉｅｔ－ｒｉｖｅｒ－７７１", nil, true},
		{"longest allowed", strings.Repeat("river stone ", 85) + "abcd", nil, true},
		{"1025 bytes", strings.Repeat("river stone ", 85) + "abcde", nil, false},
		{"10 KB", strings.Repeat("correct horse battery staple ", 354), nil, false},
		{"blocklisted", "1qaz2wsx3edc4rfv", nil, false},
		{"blocklisted, upper case", "1QAZ2WSX3EDC4RFV", nil, false},
		{"blocklisted, mixed case", "PasswordPassword", nil, false},
		{"blocklisted with spaces", "qaz wsx edc rfv tgb", nil, false},
		{"blocklisted, fullwidth", "ｑａｚｗｓｘｅｄｃｒｆｖｔｇｂ", nil, false},
		{"username", "mariam.khalil.ngo", username, false},
		{"username, other case", "MARIAM.KHALIL.NGO", username, false},
		{"username and a year", "mariam.khalil.ngo2024", username, false},
		{"username twice", "mariam.khalil.ngomariam.khalil.ngo", username, false},
		{"name repeated", "mariam khalilmariam khalil", username, false},
		{"username within a passphrase", "mariam.khalil.ngo walks by the river", username, true},
		{"short context word ignored in a passphrase", "the sea is wide and deep", []string{"sea"}, true},
		{"empty context word", "quiet-river-771", []string{"", "  "}, true},
		{"one character repeated", "zzzzzzzzzzzzzzzzzzzz", nil, false},
		{"two characters repeated", "xyxyxyxyxyxyxyxyxy", nil, false},
		{"four characters repeated", "wxyzwxyzwxyzwxyz", nil, false},
		{"control character", "correct horse\nbattery staple", nil, false},
		{"tab", "correct horse\tbattery staple", nil, false},
		{"NUL", "correct horse\x00battery staple", nil, false},
		{"invalid UTF-8", "correct horse \xff battery staple", nil, false},
		{"empty", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := auth.CheckPassword(tt.pw, tt.context...)
			if ok := len(problems) == 0; ok != tt.ok {
				t.Fatalf("CheckPassword ok = %v (%v), want %v", ok, problems, tt.ok)
			}
			for _, p := range problems {
				if p.Field != "password" {
					t.Errorf("problem field %q, want password", p.Field)
				}
				if len(tt.pw) >= 4 && strings.Contains(p.Message, tt.pw) {
					t.Error("the message quotes the password")
				}
				for _, w := range tt.context {
					if len(w) >= 4 && strings.Contains(p.Message, w) {
						t.Error("the message quotes a context word")
					}
				}
			}
			if err := problems.Err("test"); (err == nil) != tt.ok {
				t.Errorf("Problems.Err = %v", err)
			}
		})
	}
}

func TestBlocklistFile(t *testing.T) {
	f, err := os.Open("blocklist.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var prev string
	n, long := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		n++
		switch {
		case line <= prev && n > 1:
			t.Fatalf("line %d: not sorted or duplicate", n)
		case utf8.RuneCountInString(line) < 8:
			t.Fatalf("line %d: shorter than 8 characters", n)
		case line != strings.ToLower(norm.NFKC.String(line)):
			t.Fatalf("line %d: not normalised", n)
		}
		if utf8.RuneCountInString(line) >= auth.MinPasswordLength {
			long++
		}
		// Spot-check the search on a sample of the entries, in their
		// stored and in a shouted form.
		if n%97 == 1 && (!auth.Blocklisted(line) || !auth.Blocklisted(strings.ToUpper(line))) {
			t.Fatalf("line %d: Blocklisted = false", n)
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != auth.BlocklistSize() || n < 400_000 {
		t.Errorf("%d lines, BlocklistSize %d", n, auth.BlocklistSize())
	}
	if !auth.Blocklisted(prev) {
		t.Error("the last entry is not found")
	}
	t.Logf("blocklist: %d entries, %d of %d characters or more", n, long, auth.MinPasswordLength)
}

func TestBlocklisted(t *testing.T) {
	for _, pw := range []string{"password", "PASSWORD1", "iloveyou", "qwertyuiop", "1qaz2wsx3edc4rfv", "passwordpassword"} {
		if !auth.Blocklisted(pw) {
			t.Errorf("Blocklisted(%q) = false", pw)
		}
	}
	for _, pw := range []string{"", "correct horse battery staple", "quiet-river-771", "short", "\x00"} {
		if auth.Blocklisted(pw) {
			t.Errorf("Blocklisted(%q) = true", pw)
		}
	}
}

func TestSortedContains(t *testing.T) {
	list := "apple\nbanana\ncherry\ndate\nelderberry\nfig\n"
	for _, s := range []string{"apple", "banana", "cherry", "date", "elderberry", "fig"} {
		if !auth.SortedContains(list, s) {
			t.Errorf("%q not found", s)
		}
	}
	for _, s := range []string{"", "a", "appl", "apples", "bananaa", "coconut", "dat", "zucchini", "fig\n", "\n"} {
		if auth.SortedContains(list, s) {
			t.Errorf("%q found", s)
		}
	}
	for _, l := range []string{"", "\n", "only\n"} {
		if auth.SortedContains(l, "x") {
			t.Errorf("found x in %q", l)
		}
	}
	if !auth.SortedContains("only\n", "only") {
		t.Error("single-line list")
	}
}
