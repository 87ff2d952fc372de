# labcheck's own sentences in English; each service's validators' are beside them (src/providers/<service>/en.ftl),
# and together they are the catalogue every other language is held to (same ids, same variables).
# Variables are facts from the account or the lab (names, ids, paths) and are shown as they are.
# A validator's sentence says what it found; it is shown under the check's title, beside the lab's hint.

## How lists are written

# "a, b and c": $init is every item but the last, joined by list-separator.
list-and = { $init } and { $last }
list-separator = {", "}
# Between clauses that each say what is wrong.
clause-separator = {"; "}

## Reading the account

read-error = could not read { $operation } ({ $kind ->
        [access_denied] access denied
        [throttled] throttled by AWS
        [timeout] timed out
        [network] could not connect
        [malformed] malformed response
        [service] service error
       *[not_collected] internal error
    }): { $detail }
read-timed-out = timed out after { $seconds } s reading the account
not-checked = not checked: needs { $checks } to pass first
# One prerequisite that did not pass: its title and status.
not-checked-because = "{ $title }" ({ $status })

## Shared by several services' validators

# What is wrong with an API, clause by clause.
on-api = on { $name }: { $problems }
# Clauses that each say what is wrong, with nothing around them.
problems = { $problems }
method-on-stage = { $method } on { $stage }

## Parts of a policy labcheck does not evaluate (shown inside policy-unjudged, action-unjudged and the like)

policy-condition-not-object = condition { $operator } that is not an object
policy-condition-unknown = condition { $operator } on { $key }
policy-condition-no-values = condition { $operator } on { $key } without string values
policy-effect-unknown = statement with Effect "{ $effect }"
policy-statement-without-action = statement without Action or NotAction
policy-statement-without-resource = statement without Resource or NotResource
policy-statement-without-principal = statement without Principal or NotPrincipal
policy-variable = policy variable in { $resource }

## Queries a lab author writes (facts_query)

query-result = { $query } gave { $result }
query-failed = expected { $expected } ({ $query } gave { $result })
query-not-truthy = expected a truthy value ({ $query } gave { $result })
# $message is the lab author's, shown as written.
query-failed-because = { $message } ({ $query } gave { $result })

## The reports' own words (checklist, live view, Markdown, HTML, CI annotations)

# A check's status as a word: pass, fail, error or skip.
report-status = { $status ->
        [pass] passed
        [fail] failed
        [error] could not be checked
       *[skip] skipped
    }
# How many checks ended with a status.
report-count = { $status ->
        [pass] { $count } passed
        [fail] { $count } failed
        [error] { $count } could not be checked
       *[skip] { $count } skipped
    }
# Shown before the status of a check that errored or was skipped, in the checklist.
report-status-label = { $status ->
        [error] error
       *[skip] skip
    }
report-account = account { $account }
report-unknown-account = unknown account
report-score = Score { $score }/{ $max }
report-hint = hint:
report-hint-sentence = Hint: { $hint }
report-hint-label = Hint
report-stats = AWS API calls: { $total } ({ $calls }) · HTTP requests sent: { $requests } · probes: { $probes } · round trips: { $round_trips } · rounds: { $rounds }
report-stats-none = none
report-step-complete = step complete
report-step-completed = step complete: { $step }
report-score-line = score { $score }/{ $max }
report-watching = re-checking every { $seconds }s · Ctrl-C to stop
report-check-title = Check
report-points-title = Points
report-details-title = Details
# A CI annotation's title: the lab, the check's title, and what became of it.
report-annotation = { $lab }: { $check } { $status ->
        [fail] failed
       *[error] could not be checked
    }

## A learner's progress

# A cleanup check passed before the steps it cleans up had passed: it does not count yet.
progress-cleanup-too-early = counts once { $steps } passed in an earlier grading
progress-not-graded = not graded yet
# In a progress checklist, beside a check that passed.
report-passed-at = passed { $when }

## The learner page (GET /learn/{session}).
page-title = { $lab } · my progress
page-best = Best so far: { $score } of { $max } points
page-check-lab = Check my progress
page-check-step = Check “{ $step }”
page-checking-lab = Checking all { $count } checks…
page-checking = Checking { $checks }…
page-checked = Checked: { $score } of { $max } points. { $missing ->
    [0] Everything is done.
    [one] One check is still to do.
   *[other] { $missing } checks are still to do.
}
page-status-pass = done
page-status-fail = not yet
page-status-error = could not check
page-status-skip = not checked yet
page-last-checked = Last checked { $when }
page-never-checked = Not checked yet: press “Check my progress” when you are ready.
page-not-kept = This result could not be saved: it is shown, but your best so far did not change.
page-could-not-check = Could not check right now: { $reason }
page-offline = The check did not reach the service. Check your connection and try again.
page-open-title = Open my checklist
page-open-help = Your lab platform opens this page for you. If it gave you an access code, paste it here.
page-open-label = Access code
page-open-button = Open
page-refused-invalid = This link does not open a checklist. Open it again from your lab platform.
page-refused-expired = This session has expired. Open the checklist again from your lab platform.
page-refused-revoked = This session was closed. Open the checklist again from your lab platform.

## LTI (an LMS launching learners; scores to its gradebook).
lti-comment-done = Every check passed.
lti-comment-missing = { $count ->
    [one] Still missing one check:
   *[other] Still missing { $count } checks:
}
lti-refused-title = This lab could not be opened
lti-refused = Your LMS's launch was refused: { $reason }. Open the lab again from your course; if this keeps happening, tell your instructor.
lti-opening = Opening the lab…
lti-opening-no-script = Your browser needs JavaScript to open this lab from your course.

## The cohort view (an instructor's or a lab author's view of a class in one lab).
cohort-rule-same-reason = at least { $learners } learners, and at least a third of those who attempted it, fail it now with the same message after trying it again, while every check it needs passed for them
cohort-rule-low-pass-rate = at least { $learners } learners settled it (passed it, or fail it after trying again) and its pass rate among them is below half the mean of the other checks of its step
cohort-title = { $lab } · class view
cohort-summary = { $learners ->
    [one] One learner
   *[other] { $learners } learners
}, as of { $when }
cohort-funnel = Steps completed
cohort-funnel-help = How many learners passed every check of each step, and the median time it took them.
cohort-funnel-row = { $step }: { $completed } of { $learners } ({ $percent })
cohort-median = median { $time }
cohort-stuck-map = Where learners are stuck
cohort-stuck-help = Each square is a check, in lab order, with the number of learners stuck there: it is their first check not passed. The darker the square, the larger the share of the class.
cohort-stuck-cell = { $check }: { $stuck } stuck ({ $percent })
cohort-finished = { $learners ->
    [one] One learner finished every check.
   *[other] { $learners } learners finished every check.
}
cohort-checks = Checks
cohort-col-check = Check
cohort-col-attempted = Attempted
cohort-col-passed = Passed
cohort-col-first-try = First try
cohort-col-gradings = Gradings to pass
cohort-col-time = Time to pass
cohort-col-stuck = Stuck here
cohort-col-reasons = Top failure reasons
cohort-col-flag = Flag
cohort-gradings = { $median } (p90 { $p90 })
cohort-stuck-for = { $stuck } (median { $time })
cohort-reason = { $id } ×{ $count }
cohort-flag-same-reason = many fail alike
cohort-flag-low-pass-rate = pass rate far below its step’s
cohort-may-be-broken = may be broken
cohort-learners = Learners
cohort-col-learner = Learner
cohort-col-score = Score
cohort-col-last-activity = Last activity
cohort-col-on-check = On check
cohort-all-passed = all passed
cohort-learners-more = …and { $count } more: the learners CSV (--format learners-csv) has them all.
cohort-rules = How each figure is counted
cohort-rule-attempted = Attempted: learners who tried the check: a verdict (pass or fail) once they had reached it (every check it needs passed, or another check of its step) and had changed their account since their previous grading; a grading that could not read the account judges nothing.
cohort-rule-first-try = First try: the share of those who attempted it that passed on their first try.
cohort-rule-gradings = Gradings to pass: the tries it took, the passing one included (median and 90th percentile, nearest rank), over those who passed.
cohort-rule-time = Time to pass: from the first try to the first pass (median).
cohort-rule-stuck = Stuck here: learners whose first check not passed, in lab order, is this one; the time is since they first tried it.
cohort-rule-reasons = Failure reasons: the failures by message, over every grading; the example is one learner's message now.
cohort-rule-funnel = Steps completed: learners who passed every check of the step; the time runs from the first verdict on one of its checks to the last first pass.
cohort-percent = { $percent }%
cohort-seconds = { $n } s
cohort-minutes = { $n } min
cohort-hours = { $n } h
cohort-days = { $n } d
