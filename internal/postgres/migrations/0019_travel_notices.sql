-- The settlement organisation is told of the travel of the families placed
-- with it: travel booked, its date changed, or a family placed with travel
-- already booked. Three kinds of notification join the constraint.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('stage_warning','stage_breach','emergency_stalled',
    'info_unanswered','checks_overdue','medical_expiring','follow_up_due','safety_concern','interview','enrolment_expiring','token_expiring',
    'travel_booked','travel_changed','placed_travel_booked'));
