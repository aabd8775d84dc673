// Package bench measures Haven's work queue at scale: it seeds a database
// through the app layer (every referral sealed, indexed and audited as in
// use), then times the queue's pages and searches as users ask for them,
// beside the bare indexed query on the same rows in the same run.
package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
)

// clock is the seed's clock: it moves through the past year as referrals
// arrive, then stays at the run's today.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// actors are the seed's users: the visa office reads every case; UNHCR
// refers nine cases in ten and a second referral partner the tenth.
type actors struct {
	admin, visa, unhcr, other haven.Actor
}

// usernames of the seed's users.
const (
	userAdmin = "bench-admin"
	userVisa  = "bench-visa"
	userUNHCR = "bench-unhcr"
	userOther = "bench-partner"
)

// findActors returns the seed's users of a seeded database.
func findActors(ctx context.Context, a *app.App) (*actors, error) {
	var out actors
	for _, u := range []struct {
		name string
		to   *haven.Actor
	}{{userAdmin, &out.admin}, {userVisa, &out.visa}, {userUNHCR, &out.unhcr}, {userOther, &out.other}} {
		user, err := a.Programme.FindUserByUsername(ctx, u.name)
		if err != nil {
			return nil, err
		}
		*u.to = haven.Actor{UserID: user.ID}
	}
	return &out, nil
}

// setUp makes the seed's organisations and users, and the rules of the
// years the cases fall in.
func setUp(ctx context.Context, a *app.App, years []int) (*actors, error) {
	if err := a.Programme.Bootstrap(ctx); err != nil {
		return nil, err
	}
	org := &haven.Organisation{Name: "IRCC programme", Country: "CA"}
	adm := &haven.User{Username: userAdmin, DisplayName: "Programme administrator"}
	if _, err := a.Programme.CreateFirstAdmin(ctx, org, adm); err != nil {
		return nil, err
	}
	out := &actors{admin: haven.Actor{UserID: adm.ID}}
	mk := func(kind haven.OrgKind, name, user string) (haven.Actor, error) {
		o := &haven.Organisation{Kind: kind, Name: name, Country: "CA"}
		if err := a.Programme.CreateOrganisation(ctx, out.admin, o); err != nil {
			return haven.Actor{}, err
		}
		u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: user, DisplayName: name + " caseworker"}
		if _, err := a.Programme.CreateUser(ctx, out.admin, u); err != nil {
			return haven.Actor{}, err
		}
		return haven.Actor{UserID: u.ID}, nil
	}
	var err error
	if out.visa, err = mk(haven.OrgVisaOffice, "Visa office Ankara", userVisa); err != nil {
		return nil, err
	}
	if out.unhcr, err = mk(haven.OrgReferralPartner, "UNHCR Türkiye", userUNHCR); err != nil {
		return nil, err
	}
	if out.other, err = mk(haven.OrgReferralPartner, "UNHCR Kenya", userOther); err != nil {
		return nil, err
	}
	for _, y := range years {
		if err := a.Programme.SetRules(ctx, out.admin, haven.DefaultRules(y)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countCases counts every case in the database.
func countCases(ctx context.Context, s store.Store) (int, error) {
	var n int
	err := s.View(ctx, func(tx store.Tx) error {
		var err error
		_, n, err = tx.FindCases(ctx, store.CaseFilter{Reach: store.Reach{All: true}, CaseFilter: haven.CaseFilter{Limit: 1}})
		return err
	})
	return n, err
}

// Names in the scripts of the defenders' countries: a case's principal
// takes a family name and a given name from one script's lists, so a name
// search matches a few cases in a hundred thousand, as in use.
var scripts = []struct {
	country, asylum, lang string
	family, given         []string
}{
	{"IR", "TR", "fa", []string{"Rahimi", "Tehrani", "Karimi", "Hosseini", "Moradi", "Jafari", "Ahmadi", "Rostami", "Sadeghi", "Nouri"},
		[]string{"Narges", "Shirin", "Maryam", "Reza", "Nasrin", "Arash", "Leila", "Omid", "Parisa", "Babak"}},
	{"IR", "TR", "fa", []string{"رحیمی", "تهرانی", "کریمی", "حسینی", "مرادی", "جعفری", "احمدی", "رستمی", "صادقی", "نوری"},
		[]string{"نرگس", "شیرین", "مریم", "رضا", "نسرین", "آرش", "لیلا", "امید", "پریسا", "بابک"}},
	{"SY", "LB", "ar", []string{"الحسن", "الخطيب", "العلي", "النجار", "الأحمد", "الشامي", "المصري", "الحلبي", "السيد", "الزين"},
		[]string{"رزان", "مازن", "سمر", "يارا", "خليل", "هبة", "فادي", "رنا", "عمر", "دعاء"}},
	{"RU", "GE", "ru", []string{"Иванова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев", "Козлова", "Новиков", "Морозова", "Волков"},
		[]string{"Анна", "Дмитрий", "Елена", "Сергей", "Ольга", "Алексей", "Мария", "Павел", "Наталья", "Игорь"}},
	{"CN", "TH", "zh", []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"},
		[]string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳"}},
	{"AF", "PK", "ps", []string{"Ahmadzai", "Popal", "Stanikzai", "Barakzai", "Safi", "Wardak", "Karzai", "Noori", "Zadran", "Mohmand"},
		[]string{"Mahbouba", "Zarifa", "Fawzia", "Sima", "Habiba", "Shukria", "Malalai", "Freshta", "Roya", "Farida"}},
	{"NI", "CR", "es", []string{"González", "Rodríguez", "Martínez", "López", "Hernández", "Pérez", "Sánchez", "Ramírez", "Flores", "Rivera"},
		[]string{"Lucía", "Félix", "Tamara", "Medardo", "Vilma", "Álvaro", "Bianca", "Edwin", "Karla", "Jaime"}},
}

// account is a persecution account of a realistic length (about 1,500
// characters): the sealed field a list never opens but a row carries.
var account = strings.Repeat("Arrested at a peaceful vigil, held without charge and questioned about the network's sources; released on condition of reporting weekly, then summoned again after publishing the detention figures. ", 8)

// Number is the UNHCR case number of the seed's case i.
func Number(i int) string { return fmt.Sprintf("BEN-%02d-%07d", i%97, i) }

// Name returns the principal applicant's family and given names of the
// seed's case i: a family name and a second given name make it rare.
func Name(i int) (family, given string) {
	s := scripts[i%len(scripts)]
	r := i / len(scripts)
	return s.family[r%10], s.given[(r/10)%10] + " " + s.given[(r/100)%10]
}

// referral returns the seed's case i: a family of one to seven (four on
// average), with fields of the sizes a real referral has.
func referral(i int, rng *rand.Rand) *haven.Case {
	s := scripts[i%len(scripts)]
	prio := haven.PriorityNormal
	switch p := rng.IntN(100); {
	case p < 4:
		prio = haven.PriorityEmergency
	case p < 20:
		prio = haven.PriorityUrgent
	}
	size := 1 + rng.IntN(7)
	c := &haven.Case{
		UNHCRNumber:        Number(i),
		SubmissionPriority: prio, ProcessingPriority: prio,
		PrimaryCategory: haven.CategoryLegalPhysicalProtection, SecondaryCategory: haven.CategoryWomenGirlsAtRisk,
		CategoryJustification: "Detained twice for reporting on the protests; a further arrest is imminent and the family is watched.",
		Grounds:               []haven.Ground{haven.GroundPoliticalOpinion, haven.GroundParticularSocialGroup},
		SocialGroups:          []haven.SocialGroup{haven.SocialGroupHumanRightsWork},
		NationalityCountries:  []string{s.country}, AsylumCountry: s.asylum,
		Profile: haven.DefenderProfile{
			WorkAreas:     []haven.WorkArea{haven.WorkJournalism, haven.WorkWomensRights},
			Organisations: []string{"Independent press collective", "Women's legal aid network"},
			ThreatEvents: []haven.ThreatEvent{{Type: haven.ThreatArbitraryDetention, Perpetrator: haven.PerpetratorState,
				Date: haven.Date{Year: 2025, Month: 11, Day: 3}, Place: "Provincial detention centre", Description: "Held forty days without charge; interrogated about sources."}},
		},
		PersecutionAccount: account,
		DeclaredSize:       size,
	}
	family, given := Name(i)
	for k := range size {
		// Identities (name and date of birth) are unique, as the app's
		// duplicate checks want: a principal's name recurs every 7,000
		// cases, in another year of birth each time.
		rel, born := haven.RelChild, 2010+k
		switch k {
		case 0:
			rel, born = haven.RelPrincipal, 1960+i/7000
		case 1:
			rel, born = haven.RelSpouse, 1970+rng.IntN(30)
		}
		m := &haven.Member{
			Relationship: rel, Accompanying: true, FamilyName: family, GivenNames: given,
			DateOfBirth: haven.Date{Year: born, Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}, Sex: haven.SexFemale,
			Nationalities: []string{s.country}, Languages: []string{s.lang},
			Whereabouts:       "Rented room above a shop, third district; moves every few weeks.",
			Contact:           fmt.Sprintf("+90 555 %07d, via the partner's secure line only", i),
			ConfidentialNotes: "Medical needs: follow-up for injuries sustained in detention. Do not contact the family's relatives.",
		}
		if k > 0 {
			m.GivenNames = fmt.Sprintf("%s %d", s.given[(i+k)%10], i)
		}
		c.Members = append(c.Members, m)
	}
	return c
}

// seed refers n cases through the app, in batches of at most
// app.MaxImport, spread over the year before today, and moves some on as
// a year's work would: withdrawn and refused ones, files opened and
// assessments begun, information asked of the referrer. It returns after
// the last act, with the clock at today.
func seed(ctx context.Context, a *app.App, clk *clock, who *actors, n int, today time.Time, progress func(done int)) error {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	const batch = app.MaxImport
	start := today.AddDate(-1, 0, 0)
	span := today.Sub(start)
	for from := 0; from < n; from += batch {
		to := min(from+batch, n)
		at := start.Add(time.Duration(float64(span) * float64(from) / float64(n)))
		clk.set(at)
		var unhcr, other []*haven.Case
		for i := from; i < to; i++ {
			if i%10 == 9 {
				other = append(other, referral(i, rng))
			} else {
				unhcr = append(unhcr, referral(i, rng))
			}
		}
		for _, b := range []struct {
			by    haven.Actor
			cases []*haven.Case
		}{{who.unhcr, unhcr}, {who.other, other}} {
			if len(b.cases) == 0 {
				continue
			}
			if err := a.Cases.ImportReferrals(ctx, b.by, b.cases); err != nil {
				return fmt.Errorf("seed: import: %w", err)
			}
		}
		// The acts of the following days.
		clk.set(at.Add(time.Duration(rng.IntN(72)) * time.Hour))
		for k, c := range append(unhcr, other...) {
			by := who.unhcr
			if k >= len(unhcr) {
				by = who.other
			}
			if err := move(ctx, a, who, by, c.ID, rng.IntN(100)); err != nil {
				return fmt.Errorf("seed: act: %w", err)
			}
		}
		if progress != nil {
			progress(to)
		}
	}
	clk.set(today)
	return nil
}

// move takes a new case on by the share p (0 to 99): 30 in 100 withdrawn,
// 15 refused in the eligibility review, 20 with the file opened, 10 in the
// eligibility review, 5 waiting for information from the referrer; the
// rest stay referred.
func move(ctx context.Context, a *app.App, who *actors, referrer haven.Actor, id haven.ID, p int) error {
	step := func(fs ...func() (*haven.Case, error)) error {
		for _, f := range fs {
			if _, err := f(); err != nil {
				return err
			}
		}
		return nil
	}
	open := func() (*haven.Case, error) { return a.Cases.OpenFile(ctx, who.visa, id) }
	switch {
	case p < 30:
		return step(func() (*haven.Case, error) {
			return a.Cases.Withdraw(ctx, referrer, id, "The family found protection elsewhere.")
		})
	case p < 45:
		return step(open, func() (*haven.Case, error) { return a.Cases.StartEligibility(ctx, who.visa, id) }, func() (*haven.Case, error) {
			return a.Cases.Refuse(ctx, who.visa, id, "Not a Convention refugee on the evidence provided.")
		})
	case p < 65:
		return step(open)
	case p < 75:
		return step(open, func() (*haven.Case, error) { return a.Cases.StartEligibility(ctx, who.visa, id) })
	case p < 80:
		return step(open, func() (*haven.Case, error) {
			return a.Cases.RequestInfo(ctx, who.visa, id, "Please send the detention record and the court summons.")
		})
	}
	return nil
}

// errNotSeeded says a database holds another seed than the one asked for.
var errNotSeeded = errors.New("the database holds cases but not this seed's: use an empty database")
