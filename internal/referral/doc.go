// Package referral reads referrals as they come into Haven: the body of
// POST /api/v1/cases (one referral, JSON), the body of POST
// /api/v1/cases/import and the file of the bulk import page (a list of
// referrals, JSON or CSV). It holds the one list of a referral's fields
// (the types Referral, Member, Profile and ThreatEvent), the one check of
// a file's shape (types, unknown fields, fields given twice, enums and
// dates as the domain parses them, the CSV columns and yes/no cells), and
// the one mapping to haven.Case.
//
// It checks the shape only: whether a referral may be made, and whether
// its values make sense together, is decided by workflow.CheckReferral and
// the app. Each problem carries where it is (the referral, the line of
// the file, the field as the app names it) and what it is (Kind); each
// front end words it its own way.
//
// The package is pure: it imports no store and not net/http.
package referral
