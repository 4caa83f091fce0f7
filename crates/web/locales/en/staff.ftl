# The staff pages: the frame, sign-in, overview, cases, processes, instances, tasks, jobs,
# incidents and error pages (en). Every message here has its Swedish twin in
# ../sv/staff.ftl. Case content (answers, reasons, letters, legal references) is data and
# never comes from here: it stays Swedish, marked lang="sv" on the page.

## The page frame
staff-skip-link = Skip to main content
staff-main-menu = Main menu
staff-signed-in-as = Signed in as
staff-sign-out = Sign out
staff-footer = flode – process platform for social services
# Before the title and before a field's error message (visually hidden).
staff-error-prefix = Error:
staff-nav-overview = Overview
staff-nav-cases = Cases
staff-nav-definitions = Processes
staff-nav-instances = Instances
staff-nav-tasks = Tasks
staff-nav-jobs = Jobs
staff-nav-incidents = Incidents
# A role, by its code (flode_security::Role::as_str).
staff-role =
    { $role ->
        [socialsekreterare] Social worker
        [forste_socialsekreterare] Senior social worker
        [admin] Administrator
       *[other] { $role }
    }

## Success banners after a redirect
staff-notice-deployed = The model is deployed.
staff-notice-unchanged = The model was already deployed. No new version was created.
staff-notice-started = The instance is started.
staff-notice-cancelled = The instance is cancelled.
staff-notice-completed = The task is completed.
staff-notice-resolved = The incident is resolved.
staff-notice-signed-out = You are signed out.
staff-notice-decided = The decision is made. The decision letter is being created and the applicant will be notified.
staff-notice-note-saved = The note is saved.
staff-notice-message-sent = The message is sent to the applicant.

## Error pages (staff-error-{what}-heading and -message)
staff-error-bad-request-heading = Bad request
staff-error-bad-request-message = The request could not be understood. Go back and try again.
staff-error-conflict-heading = The change could not be made
staff-error-conflict-message = Things have changed since the page was shown. Reload the page and try again.
staff-error-not-found-heading = Page not found
staff-error-not-found-message = Check the address. What you are looking for may have been removed.
staff-error-cross-site-heading = The action is not allowed
staff-error-cross-site-message = The form was sent from another website. Open flode directly and try again.
staff-error-no-access-heading = You do not have permission
staff-error-no-access-message = Your role does not give you permission for this action. Contact an administrator if you need it.
staff-error-internal-heading = Something went wrong
staff-error-internal-message = The service could not show the page. Try again in a while.
staff-error-detail = Technical information:
# Followed by the error code.
staff-error-correlation-before = If the problem continues, contact the administration and give the error code
staff-error-to-overview = Go to the overview
staff-conflict-already-submitted = The application has already been sent and cannot be changed.
staff-conflict-not-awaiting-decision = The case is not waiting for a decision.

## Shared table columns, filters and labels
staff-column-action = Action
staff-column-business-key = Case number
staff-column-completed-by = Completed by
staff-column-count = Count
staff-column-deployed = Deployed
staff-column-due = Due
staff-column-element-type = Element type
staff-column-ended = Ended
staff-column-file = File
staff-column-id = Id
staff-column-instance = Instance
staff-column-job-type = Job type
staff-column-key = Key
staff-column-kind = Kind
staff-column-last-error = Last error
staff-column-locked-by = Locked by
staff-column-locked-until = Locked until
staff-column-message = Message
staff-column-name = Name
staff-column-node = Node
staff-column-occurred = Occurred
staff-column-parent = Parent
staff-column-process = Process
staff-column-retries = Retries left
staff-column-scope = Scope
staff-column-started = Started
staff-column-status = Status
staff-column-task = Task
staff-column-token-state = State
staff-column-type = Type
staff-column-value-json = Value (JSON)
staff-column-version = Version
staff-filter = Filter
staff-filter-all = All
staff-variables = Variables (JSON, optional)
staff-variables-not-object = The variables must be a JSON object, for example {"{"}"belopp": 100{"}"}
staff-variables-not-json = The variables are not valid JSON (line { $line }, column { $column })
staff-pagination = Pages
staff-pagination-previous = Previous page
staff-pagination-next = Next page

## The engine's state and kind codes (pages/labels.rs); unknown codes as they are
staff-instance-state =
    { $code ->
        [active] Active
        [completed] Completed
        [terminated] Terminated
        [canceled] Cancelled
       *[other] { $code }
    }
staff-token-state =
    { $code ->
        [arriving] Arriving
        [waiting] Waiting
        [scope] Subprocess running
        [joining] Waiting at a join
        [incident] Incident
       *[other] { $code }
    }
staff-activity-state =
    { $code ->
        [active] Active
        [completed] Completed
        [canceled] Cancelled
        [skipped] Skipped
       *[other] { $code }
    }
staff-task-state =
    { $code ->
        [created] Open
        [completed] Completed
        [canceled] Cancelled
       *[other] { $code }
    }
staff-job-state =
    { $code ->
        [ready] Ready
        [active] Active
        [failed] Failed
        [completed] Completed
        [canceled] Cancelled
       *[other] { $code }
    }
staff-job-kind =
    { $code ->
        [task] Service task
        [timer] Timer
       *[other] { $code }
    }
staff-incident-state =
    { $code ->
        [open] Open
        [resolved] Resolved
       *[other] { $code }
    }
staff-incident-kind =
    { $code ->
        [job_failed] The job failed
        [expression] Error in an expression
        [unhandled_error] Unhandled error
        [no_flow] No flow to take
        [loop_guard] Possible endless loop
       *[other] { $code }
    }
staff-definition-kind =
    { $code ->
        [bpmn] Process (BPMN)
        [dmn] Decision (DMN)
       *[other] { $code }
    }

## Sign-in (/logga-in)
staff-login-title = Sign in
staff-login-with-organisation = Sign in with your organisation account
staff-login-with-password-heading = Sign in with username and password
staff-login-own-account = If you have your own account in flode, you can also sign in with it.
staff-login-lead = Sign in with your flode username and password.
staff-login-username = Username
staff-login-password = Password
staff-login-button = Sign in
staff-login-missing-username = Enter your username
staff-login-missing-password = Enter your password
staff-login-wrong = The username or password is wrong
# $n: minutes until sign-in opens again.
staff-login-locked =
    Too many failed sign-in attempts. For security, sign-in is locked. Try again in { $n } { $n ->
        [one] minute
       *[other] minutes
    }.
staff-login-no-account = Your organisation account is not linked to any active account in flode. Contact an administrator.

## Overview (/); $n is the count before the label
staff-overview-title = Overview
staff-overview-active-instances =
    { $n ->
        [one] active instance
       *[other] active instances
    }
staff-overview-open-tasks =
    { $n ->
        [one] open task
       *[other] open tasks
    }
staff-overview-open-incidents =
    { $n ->
        [one] open incident
       *[other] open incidents
    }
staff-overview-pending-jobs =
    { $n ->
        [one] pending job
       *[other] pending jobs
    }
staff-overview-ended-instances =
    { $n ->
        [one] ended instance
       *[other] ended instances
    }
staff-overview-definitions =
    { $n ->
        [one] deployed version
       *[other] deployed versions
    }

## Cases (/arenden and /arenden/{id})
staff-cases-title = Cases
staff-cases-lead = Open cases about financial assistance, the ones to decide first at the top.
staff-cases-none = No open cases.
staff-cases-caption = Open cases
staff-cases-column-case = Case
staff-cases-column-month = Month
staff-cases-overdue = Overdue
staff-cases-calculate-by-hand = Calculate by hand
staff-case-status-received = Received
staff-case-status-with-case-worker = With a case worker
staff-case-status-decided = Decided
staff-case-status-closed = Closed
staff-case-status-cancelled = Cancelled
staff-case-outcome-granted = Granted
staff-case-outcome-partly-granted = Partly granted
staff-case-outcome-refused = Refused
staff-case-title = Case { $number }
staff-case-all-cases = All cases
staff-case-number = Case number
staff-case-applicant = Applicant
# Written by the applicant, in the message list.
staff-case-applicant-author = { $name } (applicant)
staff-case-personnummer = Personal identity number
staff-case-concerns = Concerns
staff-case-concerns-month = Income support for { $month }
staff-case-received = Received
staff-case-due = Decide by
# The deadline and how late: "2026-11-25 (3 days overdue)".
staff-case-due-overdue = { $date } ({ $overdue })
staff-case-overdue-days =
    { $n ->
        [one] { $n } day overdue
       *[other] { $n } days overdue
    }
staff-case-application-type = Type of application
staff-case-application-type-value =
    { $code ->
        [aterkommande] Repeat application
        [nyansokan] New application
       *[other] { $code }
    }
staff-case-application = Application
staff-case-attachments = Attachments
staff-case-no-attachments = No attachments.
staff-case-ssbtek = Information from other agencies (SSBTEK)
staff-case-ssbtek-failed-sources = Sources that did not answer
staff-case-ssbtek-all-answered = None: every source answered
staff-case-ssbtek-protected = Protected personal details
staff-case-ssbtek-protected-yes = Yes – handle with particular care
staff-case-no = No
staff-case-ssbtek-correlation-id = Query (correlation id)
staff-case-ssbtek-no-payments = No payments were reported.
staff-case-ssbtek-payments-caption = Payments according to the sources
staff-case-ssbtek-payment = Source, kind and payment date
staff-case-ssbtek-not-fetched = The information has not been fetched yet.
staff-case-amount = Amount
staff-case-calculation = Calculation by the national standard
staff-case-no-calculation = No calculation yet.
staff-case-calc-by-hand = The calculation could not be made automatically:
staff-case-calc-by-hand-how = Calculate the need by the riksnorm by hand and enter the amount in the decision. The case cannot be decided automatically.
staff-case-no-proposal-by-hand = No proposal, as there is no calculation.
staff-case-calculation-caption = The calculation's rows
staff-case-calc-part = Part
staff-case-calc-item = Item and reason
staff-case-calc-applied = Applied for
staff-case-calc-section =
    { $code ->
        [norm] National standard
        [cost] Costs outside the standard
        [income] Income
       *[other] { $code }
    }
staff-case-calc-unconfirmed = [amount not confirmed]
staff-case-total-norm = National standard
staff-case-total-costs = Reasonable costs
staff-case-total-need = Need
staff-case-total-income = Income
staff-case-total-support = Assistance according to the calculation
staff-case-proposal = Proposal
staff-case-no-proposal = No proposal yet.
staff-case-proposal-grant = Grant { $amount } according to the national standard.
staff-case-proposal-refuse = The income covers the need according to the national standard: refuse, unless something else comes to light.
staff-case-deviations = Income according to SSBTEK that is higher than in the application
staff-case-deviations-counted = (the higher amounts are counted):
staff-case-delegation = The delegation rules:
staff-case-decision = Decision
staff-case-reasons = Reasons
staff-case-provisions = Provisions
staff-case-decided-by = Decided by
staff-case-decide = Decide
staff-case-amount-per-month = Amount per month (kronor)
staff-case-amount-hint = The amount proposed by the calculation is filled in. If refused: 0.
staff-case-amount-hint-by-hand = The amount by your own calculation. If refused: 0.
staff-case-reasons-hint = The reasons for the decision in plain language (Administrative Procedure Act, section 32). The text appears in the decision letter, so write it in Swedish.
staff-case-decide-button = Make the decision
staff-case-notes = Journal notes
staff-case-no-notes = No notes.
staff-case-new-note = New note
staff-case-new-note-hint = Notes cannot be changed afterwards; a correction is written as a new note.
staff-case-save-note = Save the note
staff-case-messages = Messages with the applicant
staff-case-no-messages = No messages.
staff-case-write-message = Write to the applicant
staff-case-write-message-hint = Shown on the applicant's My pages.
staff-case-send-message = Send the message
staff-case-letters = Letters
staff-case-no-letters = No letters yet.
staff-case-reads = Who has read the case
staff-case-reads-caption = The read log
staff-case-reads-who = Who
staff-case-reads-what = What
staff-case-reads-when = When
# What a read of the case was, by the read log's code.
staff-case-read-what =
    { $what ->
        [dokument] Opened a document
        [bilaga] Opened an attachment
       *[other] Read the case
    }

## Processes (/processer and /processer/{id})
staff-definitions-title = Processes
staff-definitions-none = No models are deployed yet.
staff-definitions-caption = Deployed versions
staff-deploy-heading = Deploy a model
staff-deploy-name = File name
staff-deploy-name-hint = For example ansokan.bpmn or beslut.dmn
staff-deploy-xml = The model's XML
staff-deploy-xml-hint = Paste the contents of a BPMN or DMN file.
staff-deploy-button = Deploy
staff-deploy-missing-name = Enter a file name, for example ansokan.bpmn
staff-deploy-missing-xml = Paste the model's XML
# $detail: the engine's description of one problem.
staff-deploy-model-error = Error in the model: { $detail }
# Under the XML when the model has problems; the summary lists them.
staff-deploy-invalid = The model cannot be deployed. Correct the errors listed at the top of the page.
staff-deploy-refused = The model cannot be deployed: { $detail }
staff-definition-title = { $name } (version { $version })
staff-definition-show-instances = Show instances of { $key }
staff-definition-activities = Activities
staff-definition-no-activities = No activities have run in this version yet.
staff-definition-activities-caption = Activities by node and status
staff-definition-show-xml = Show the model's XML
staff-start-heading = Start an instance
staff-start-business-key = Case number (optional)
staff-start-business-key-hint = For example the registration number, so that the instance can be found.
staff-start-variables-hint = A JSON object, for example {"{"}"belopp": 100{"}"}.
staff-start-button = Start
staff-start-latest-only = New instances always start with the latest version:
staff-start-latest-version = version { $version }
staff-start-refused = The instance could not be started: { $detail }

## Instances (/instanser and /instanser/{id})
staff-instances-title = Instances
staff-instances-filter-label = Filter instances
# The state filter's options: groups of instances.
staff-instances-filter-state =
    { $code ->
        [active] Active
        [completed] Completed
        [terminated] Terminated
        [canceled] Cancelled
       *[all] All
    }
staff-instances-process-key = Process key
staff-instances-none = No instances match the filter.
staff-instances-caption = Instances, newest first
staff-instance-title = Instance { $key }
staff-instance-title-of = Instance of { $process }
staff-instance-called-by = Called by
staff-instance-cancel = Cancel the instance
staff-instance-no-incidents = No incidents.
staff-instance-variables = Variables
staff-instance-no-variables = No variables.
staff-instance-scope-instance = Instance
staff-instance-scope-token = Token { $token }
staff-instance-user-tasks = User tasks
staff-instance-no-user-tasks = No user tasks.
staff-instance-no-jobs = No jobs.
staff-instance-tokens = Tokens
staff-instance-no-tokens = No active tokens.
staff-instance-tokens-caption = Active tokens
staff-instance-history = History
staff-instance-no-history = No history.
staff-instance-history-caption = History, in the order started

## User tasks (/uppgifter)
staff-tasks-title = Tasks
staff-tasks-none = There are no open tasks.
staff-tasks-count =
    { $n ->
        [one] { $n } open task, the ones due first at the top.
       *[other] { $n } open tasks, the ones due first at the top.
    }
staff-tasks-due = Due
staff-tasks-no-due-date = No date
staff-tasks-created = Created
staff-tasks-assignee = Assigned to
staff-tasks-candidate-groups = Candidate groups
staff-tasks-instance = Instance
staff-tasks-node = Node
staff-tasks-variables-hint = A JSON object, for example {"{"}"beviljad": true{"}"}.
staff-tasks-your-name = Your name (optional)
staff-tasks-complete = Complete
staff-tasks-variables-refused = The variables were not accepted: { $detail }
# In the error summary: the task's name and the message.
staff-tasks-error-summary = { $task }: { $message }

## Jobs (/jobb)
staff-jobs-title = Jobs
staff-jobs-filter-label = Filter jobs
staff-jobs-none = No jobs match the filter.
staff-jobs-caption-all = All jobs, the ones due first at the top
staff-jobs-caption-state = Jobs with status { $state }

## Incidents (/incidenter)
staff-incidents-title = Incidents
staff-incidents-none = There are no open incidents.
staff-incidents-caption = Open incidents, newest first
staff-incidents-retry = Retry
# Visually hidden, before the node id: "Retry at <node>".
staff-incidents-retry-at = at

## Robots (/robotar and /robotar/granskning)
staff-nav-robots = Robots
staff-notice-maintenance-on = Maintenance mode is on. The robots take no new work in the target system; work items in hand finish first.
staff-notice-maintenance-off = Maintenance mode is off. The robots take work in the target system again.
staff-notice-script-pinned = The script version is pinned. The robots run only that version in the target system.
staff-notice-script-unpinned = The script version is no longer pinned. The robots run any version.
staff-notice-review-done-by-hand = The work item is marked as registered by hand. The case goes on.
staff-notice-review-retry = The work item is back in the robots' queue and will be tried once more.
# Durations: seconds, minutes, hours and minutes, days and hours.
staff-robots-seconds = { $n } s
staff-robots-minutes = { $n } min
staff-robots-hours = { $h } h { $m } min
staff-robots-days = { $d } d { $h } h
staff-robots-title = Robots
staff-robots-lead = The robots' queues, throughput, failures and target systems, as they were when the page was loaded. Times are Swedish time (CET/CEST).
staff-robots-to-reviews =
    The review queue ({ $n ->
        [one] one work item waiting
       *[other] { $n } work items waiting
    })
staff-robots-queues = Queues
staff-robots-queues-none = There are no robot jobs right now.
staff-robots-queues-caption = Robot jobs per job type
staff-robots-column-ready = Ready
staff-robots-column-in-progress = In progress
staff-robots-column-review = Waiting for review
staff-robots-column-failed = Failed
staff-robots-column-oldest = Oldest waiting
staff-robots-column-done-hour = Done in the last hour
staff-robots-column-done-day = Done in the last 24 hours
staff-robots-nothing-waiting = Nothing waiting
staff-robots-throughput = Throughput: { $hour } done in the last hour and { $day } in the last 24 hours.
staff-robots-failures = Failure causes in the last 24 hours
staff-robots-failures-none = No failures in the last 24 hours.
staff-robots-failures-caption = Failures by kind, step and message, most frequent first
staff-robots-column-step = Step
staff-robots-failure-kind =
    { $code ->
        [business] Business exception (to review)
        [system] System exception (tried again)
       *[other] { $code }
    }
staff-robots-robots = The robots
staff-robots-robots-none = No robot has reported yet.
staff-robots-robots-caption = Robots and their last heartbeat
staff-robots-column-robot = Robot
staff-robots-column-pool = Pool
staff-robots-column-state = State
staff-robots-column-target = Target system
staff-robots-column-work-item = Work item
staff-robots-column-heartbeat = Last heartbeat
staff-robots-column-utilisation = Utilisation in the last hour
staff-robots-column-sign-ins = Sign-ins in the last hour
staff-robots-sign-ins-with-relogins = { $count } ({ $relogins } after a lost session)
staff-robots-state =
    { $code ->
        [idle] Idle
        [working] Working
        [restarting] Restarting
        [stopped] Stopped
        [dead] No signal
       *[other] { $code }
    }
# A robot whose heartbeat is older than 30 seconds.
staff-robots-dead = No signal
staff-robots-ago = { $age } ago
staff-robots-targets = Target systems
staff-robots-targets-none = No target system is declared yet.
staff-robots-seats = Seats in use
staff-robots-seats-value = { $used } of { $seats }
staff-robots-ui = UI version
staff-robots-maintenance = Maintenance mode
staff-robots-on = On
staff-robots-off = Off
staff-robots-pinned = Pinned script version
staff-robots-not-pinned = None – any version runs
staff-robots-maintenance-turn-on = Turn maintenance mode on
staff-robots-maintenance-turn-off = Turn maintenance mode off
# Visually hidden after a button: "Turn maintenance mode on for simifo".
staff-robots-for-target = for { $target }
staff-robots-pin-label = Pin the script version for { $target }
staff-robots-pin-hint = A positive whole number, for example 3. Leave the field empty to let the robots run any version.
staff-robots-pin-button = Save the script version
staff-robots-pin-invalid = Enter the script version as a positive whole number, for example 3, or leave the field empty
staff-robots-at-risk = Work items at risk
staff-robots-at-risk-lead = Robot jobs not done whose case must be decided within two days, or that have waited more than an hour.
staff-robots-at-risk-none = No work item is at risk.
staff-robots-at-risk-caption = Work items at risk, nearest decision date first
staff-robots-column-waited = Waited
staff-robots-column-reason = Why
staff-robots-risk-deadline = Decision due within two days
staff-robots-risk-overdue = The decision date has passed
staff-robots-risk-waiting = Waited more than an hour
staff-reviews-title = Review queue
staff-reviews-back = Robots
staff-reviews-lead = Work items a robot stopped because something did not match in the legacy system. Register the work by hand in the legacy system and mark it here, or fix the cause and let the robot try again.
staff-reviews-none = No work items are waiting for review.
staff-reviews-count =
    { $n ->
        [one] One work item is waiting.
       *[other] { $n } work items are waiting, oldest first.
    }
# A work item without a case: its instance.
staff-reviews-instance-title = Instance { $id }
staff-reviews-waited-value = { $age } (since { $at })
staff-reviews-evidence = Evidence
staff-reviews-no-evidence = No screenshots were kept.
staff-reviews-screenshot-alt = Screenshot from { $target } when the robot stopped ({ $name }). Personal identity numbers and names are masked.
staff-reviews-screenshot-caption = { $name }, { $at }.
staff-reviews-screenshot-open = Open the screenshot in full size
staff-reviews-done-by-hand = Registered by hand
staff-reviews-retry = Try again
# Visually hidden after each button: the case number.
staff-reviews-for = for { $what }
staff-reviews-already-resolved = Someone else got there first: the work item was already handled by { $by } ({ $how }, { $at }). It is no longer in the queue.
staff-reviews-resolution =
    { $code ->
        [done_by_hand] registered by hand
        [retry] back to the robots
       *[other] { $code }
    }
