package web_test

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestChartTextContrast checks what axe-core leaves to a person on /cap:
// it cannot compute the contrast of SVG text, so this computes it from the
// style sheet, by WCAG 2.1's formula. Every SVG text class of the charts
// must reach 4.5:1 against the page's background (AA for normal text).
func TestChartTextContrast(t *testing.T) {
	css, err := os.ReadFile("static/haven.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(--[a-z0-9-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	bgm := regexp.MustCompile(`(?s)body \{[^}]*background: var\((--[a-z0-9-]+)\)`).FindStringSubmatch(string(css))
	if bgm == nil || vars[bgm[1]] == "" {
		t.Fatal("the page's background is not found in the style sheet")
	}
	bg := vars[bgm[1]]
	checked := 0
	for _, class := range []string{"bar-label", "bar-value", "month-label", "month-value"} {
		m := regexp.MustCompile(`\.` + class + `\b[^{]*\{[^}]*fill: var\((--[a-z0-9-]+)\)`).FindStringSubmatch(string(css))
		if m == nil || vars[m[1]] == "" {
			t.Errorf(".%s has no fill from a colour variable", class)
			continue
		}
		ratio := contrast(vars[m[1]], bg)
		t.Logf(".%s: %s on %s, %.1f:1", class, vars[m[1]], bg, ratio)
		if ratio < 4.5 {
			t.Errorf(".%s: %s on %s is %.2f:1, below 4.5:1", class, vars[m[1]], bg, ratio)
		}
		checked++
	}
	if checked != 4 {
		t.Fatalf("%d of 4 chart text classes checked", checked)
	}
}

// contrast is WCAG 2.1's contrast ratio of two sRGB colours #rrggbb.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
