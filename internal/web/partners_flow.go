package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// A multi-page form ("one thing per page") keeps its answers so far in the
// hidden fields of each page's form. The app has no draft store, and the
// answers (Protected B) never sit in a cookie or a URL: they live in the
// page, which is never cached, and travel only in the body of a POST. Each
// page's own answers are checked before the form moves on; the app checks
// the whole when it is sent, and its problems show on the "check your
// answers" page beside the answers, each with its change button.
//
// A form is steered by a few control fields, never kept as answers: the
// step shown, the item of a list the step edits, whether the step was
// reached from the check page, and the button pressed.

// flowControls are the fields that steer a multi-page form.
var flowControls = map[string]bool{csrfField: true, "step": true, "item": true, "from_check": true, "go": true,
	"change": true, "remove": true, "add_another": true}

// maxItems bounds the items of a list (threats, family members).
const maxItems = 30

// flowState is a multi-page form in progress, as one request posts it.
type flowState struct {
	ans       url.Values // the answers so far
	step      string
	item      int // the list item the step edits, from 1
	fromCheck bool
}

// readFlow reads the form in progress from a POST.
func readFlow(r *http.Request) *flowState {
	f := &flowState{ans: url.Values{}}
	for k, vs := range r.PostForm {
		if !flowControls[k] {
			f.ans[k] = slices.Clone(vs)
		}
	}
	f.step = r.PostFormValue("step")
	f.item, _ = strconv.Atoi(r.PostFormValue("item"))
	f.fromCheck = r.PostFormValue("from_check") == "1"
	return f
}

// listSpec is a list a multi-page form builds one item a page: the item
// page's controls are named control+field, and each item's answers are
// kept as stored+N+"_"+field, N from 1; the answer count holds how many
// items are saved.
type listSpec struct {
	count, stored, control string
	fields                 []string
}

func (l *listSpec) key(n int, field string) string { return l.stored + strconv.Itoa(n) + "_" + field }

// n is the number of items saved.
func (l *listSpec) n(ans url.Values) int {
	n, _ := strconv.Atoi(ans.Get(l.count))
	return max(0, min(n, maxItems))
}

// isItem reports whether answer k belongs to item n.
func (l *listSpec) isItem(k string, n int) bool {
	return strings.HasPrefix(k, l.stored+strconv.Itoa(n)+"_")
}

// take moves the item page's controls into item n's answers; a control
// the page posted no value of (a radio left unchosen) leaves none.
func (l *listSpec) take(ans url.Values, n int) {
	for _, f := range l.fields {
		if vs, ok := ans[l.control+f]; ok {
			ans[l.key(n, f)] = vs
			delete(ans, l.control+f)
		} else {
			delete(ans, l.key(n, f))
		}
	}
}

// keep counts item n as saved.
func (l *listSpec) keep(ans url.Values, n int) {
	if n > l.n(ans) {
		ans.Set(l.count, strconv.Itoa(n))
	}
}

// show returns the answers with item n's in the item page's controls.
func (l *listSpec) show(ans url.Values, n int) url.Values {
	out := url.Values{}
	for k, vs := range ans {
		out[k] = vs
	}
	for _, f := range l.fields {
		if vs, ok := ans[l.key(n, f)]; ok {
			out[l.control+f] = vs
		}
	}
	return out
}

// discard forgets the answers of an item that was never saved.
func (l *listSpec) discard(ans url.Values, n int) {
	if n > l.n(ans) {
		for k := range ans {
			if l.isItem(k, n) {
				delete(ans, k)
			}
		}
	}
}

// remove deletes item n and moves the later items up.
func (l *listSpec) remove(ans url.Values, n int) {
	total := l.n(ans)
	if n < 1 || n > total {
		return
	}
	for k := range ans {
		if l.isItem(k, n) {
			delete(ans, k)
		}
	}
	for i := n + 1; i <= total; i++ {
		for _, f := range l.fields {
			if vs, ok := ans[l.key(i, f)]; ok {
				ans[l.key(i-1, f)] = vs
				delete(ans, l.key(i, f))
			}
		}
	}
	ans.Set(l.count, strconv.Itoa(total-1))
}

// hiddenField is one answer a page carries without showing it.
type hiddenField struct{ Name, Value string }

// hiddenFields lists the answers the page's visible controls do not post,
// in a stable order.
func hiddenFields(ans url.Values, shown func(string) bool) []hiddenField {
	keys := make([]string, 0, len(ans))
	for k := range ans {
		if !shown(k) && !flowControls[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []hiddenField
	for _, k := range keys {
		for _, v := range ans[k] {
			out = append(out, hiddenField{k, v})
		}
	}
	return out
}

// flowView is what every step of a multi-page form shows beside its own
// data: where the form posts, the step, and the answers it carries.
type flowView struct {
	Action string // where the form posts
	// SwitchLang is the same, in the other language: the button that
	// shows this step in the other language without losing the answers.
	SwitchLang string
	Step       string
	Item       int  // the list item the step edits
	Items      int  // the items saved so far
	New        bool // the item page adds an item
	FromCheck  bool
	First      bool // the first step: no going back
	Hidden     []hiddenField
}

// stepOf reads a change button's target, "threat:2" or "risk".
func stepOf(target string) (string, int) {
	step, n, _ := strings.Cut(target, ":")
	item, _ := strconv.Atoi(n)
	return step, item
}

// flowDef is one multi-page form: its steps, the list one of its steps
// builds an item a page, and how it moves, checks, sends and shows.
type flowDef struct {
	steps map[string][]string // each step and the answers its controls post
	first string
	// itemStep edits one item of list; listStep lists the items and asks
	// whether to add another. requireOne is the problem of answering "no"
	// with no item.
	itemStep, listStep, requireOne string
	list                           *listSpec
	// next is the step after f's (its answers checked); back the step
	// before (its answers kept unchecked).
	next func(f *flowState, addAnother string) (string, int)
	back func(f *flowState) (string, int)
	// check records the problems of the answers of f's step.
	check func(p *page, f *flowState)
	// send sends the answers from the check page.
	send func(s *server, w http.ResponseWriter, r *http.Request, v *viewer, p *page, f *flowState)
	// show renders f's step.
	show func(s *server, w http.ResponseWriter, r *http.Request, v *viewer, p *page, status int, f *flowState)
}

// runFlow takes one page of a multi-page form and shows the next: the
// same page with its problems, another step, a step in the other
// language, or, from the check page, sends the answers.
func (s *server) runFlow(d *flowDef, w http.ResponseWriter, r *http.Request, v *viewer) {
	f := readFlow(r)
	if _, ok := d.steps[f.step]; !ok {
		f.step = d.first
	}
	n := d.list.n(f.ans)
	if f.step != d.itemStep {
		f.item = 0
	} else if f.item < 1 || f.item > min(n+1, maxItems) {
		f.item = min(n+1, maxItems)
	}
	if f.step == d.itemStep {
		d.list.take(f.ans, f.item)
	}
	p := s.newPage(w, r, v)
	status := http.StatusOK
	switch {
	case r.PostForm.Has("change"):
		if f.step == "check" {
			f.fromCheck = true
		}
		step, item := stepOf(r.PostFormValue("change"))
		if _, ok := d.steps[step]; !ok {
			step = "check"
		}
		if step == d.itemStep && (item < 1 || item > n) {
			item = min(n+1, maxItems)
		} else if step != d.itemStep {
			item = 0
		}
		f.step, f.item = step, item
	case r.PostForm.Has("remove") && f.step == d.listStep:
		k, _ := strconv.Atoi(r.PostFormValue("remove"))
		d.list.remove(f.ans, k)
	case r.PostFormValue("go") == "stay":
		// The same step, in the language the button chose.
	case r.PostFormValue("go") == "back":
		if f.step == d.itemStep {
			d.list.discard(f.ans, f.item)
		}
		f.step, f.item = d.back(f)
	case r.PostFormValue("go") == "submit" && f.step == "check":
		d.send(s, w, r, v, p, f)
		return
	default:
		addAnother := r.PostFormValue("add_another")
		if f.step == d.listStep {
			switch {
			case addAnother != "yes" && addAnother != "no":
				p.invalid("add_another", "partner.err.add_another")
			case addAnother == "no" && n == 0:
				p.invalid("add_another", d.requireOne)
			}
		} else {
			d.check(p, f)
		}
		if p.Failed() {
			p.Form.Set("add_another", addAnother)
			status = http.StatusBadRequest
			break
		}
		if f.step == d.itemStep {
			d.list.keep(f.ans, f.item)
		}
		f.step, f.item = d.next(f, addAnother)
	}
	d.show(s, w, r, v, p, status, f)
}

// stepAnswers returns, for the page of f's step, the form control of one
// of the answers: its own ID on a simple step, the item page's control for
// an answer of the item it edits; ok is false for an answer of another page.
func (d *flowDef) stepAnswers(f *flowState) func(id string) (string, bool) {
	return func(id string) (string, bool) {
		if f.step == d.itemStep {
			if d.list.isItem(id, f.item) {
				return d.list.control + strings.TrimPrefix(id, d.list.stored+strconv.Itoa(f.item)+"_"), true
			}
			return "", false
		}
		return id, slices.Contains(d.steps[f.step], id)
	}
}

// view starts the view of f's step, and puts the answers its controls
// show in the page's form.
func (d *flowDef) view(p *page, f *flowState, action string) flowView {
	fv := flowView{Action: action, SwitchLang: p.otherLangURL(action), Step: f.step, Item: f.item,
		Items: d.list.n(f.ans), FromCheck: f.fromCheck, First: f.step == d.first}
	fv.New = f.step == d.itemStep && f.item > fv.Items
	shown := func(k string) bool { return slices.Contains(d.steps[f.step], k) }
	form := f.ans
	if f.step == d.itemStep {
		shown = func(k string) bool { return d.list.isItem(k, f.item) }
		form = d.list.show(f.ans, f.item)
	}
	fv.Hidden = hiddenFields(f.ans, shown)
	for k, vs := range form {
		p.Form[k] = vs
	}
	return fv
}

// withItem returns the answers with f's item counted, for a check of the
// item page before the item is saved.
func (d *flowDef) withItem(f *flowState) url.Values {
	if f.step != d.itemStep {
		return f.ans
	}
	ans := url.Values{}
	for k, vs := range f.ans {
		ans[k] = vs
	}
	d.list.keep(ans, f.item)
	return ans
}
