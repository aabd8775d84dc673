package app

// FollowUpsDueBy exposes followUpsDueBy to the external tests.
var FollowUpsDueBy = followUpsDueBy
