# Problems with what a citizen entered, by code from flode-casework (en).
# Every message here has its Swedish twin in ../sv/problems.ftl. Labels, page titles and
# months come as Swedish arguments; they are translated here by the key that comes with
# them (a cost's or income's code, the field, the page, the month), else shown as they are.

## Arguments translated by their key
# A cost's or income's label, by its code ($kind).
problem-arg-amount-label =
    { $kind ->
        [housing] Rent or housing cost
        [electricity] Household electricity
        [home_insurance] Home insurance
        [work_travel] Travel to work
        [union_fee] Trade union fee
        [unemployment_fund_fee] Unemployment insurance fund fee
        [healthcare] Medical care
        [medicine] Prescription medicine
        [dental_care] Emergency dental care
        [childcare] Childcare fee
        [other_living] Other living costs
        [salary] Salary after tax
        [unemployment_benefit] Unemployment benefit
        [activity_support] Activity support or development allowance
        [establishment_allowance] Introduction benefit
        [child_benefit] Child allowance and large family supplement
        [housing_allowance] Housing allowance or supplement
        [maintenance_support] Maintenance support or child support
        [parental_benefit] Parental benefit
        [sickness_benefit] Sickness benefit
        [disability_benefit] Sickness or activity compensation
        [pension] Pension
        [student_aid] Student finance
        [tax_refund] Tax refund
        [capital_income] Capital income
        [deposits] Deposits (for example Swish)
        [other_counted] Other income
        [tax_free_disability_allowance] Tax-free disability allowance
        [student_aid_supplement] CSN additional supplement
        [small_gift] Small gift from a foundation
       *[other] { $label }
    }
# A month, by its Swedish name ($month-name) and $year.
problem-arg-month =
    { $month-name ->
        [januari] January { $year }
        [februari] February { $year }
        [mars] March { $year }
        [april] April { $year }
        [maj] May { $year }
        [juni] June { $year }
        [juli] July { $year }
        [augusti] August { $year }
        [september] September { $year }
        [oktober] October { $year }
        [november] November { $year }
        [december] December { $year }
       *[other] { $month }
    }

## The application's pages
problem-missing-month = Select the month you are applying for
problem-missing-household-partner = Select yes if you live with a spouse or partner
problem-missing-number =
    Enter { $field ->
        [sambo-alder] your spouse or partner's age
        [barn-alder] the child's age
        [barn-dagar] the number of days the child lives with you
       *[other] { $label }
    }
problem-integer =
    { $field ->
        [sambo-alder] Your spouse or partner's age
        [barn-alder] The child's age
        [barn-dagar] The number of days the child lives with you
       *[other] { $label }
    } must be a whole number between { $min } and { $max }
problem-too-many-children = An application can have up to { $max } children – contact social services
problem-missing-child-lunch = Select whether the child eats lunch at preschool or school on weekdays
problem-child-not-added = You have entered details of a child. Add the child, or clear the fields to continue
problem-amount-negative = { problem-arg-amount-label } cannot be a negative amount
problem-amount-too-large = { problem-arg-amount-label } must be { $max } kronor a month or less
problem-amount-whole-kronor = { problem-arg-amount-label } must be a whole number of kronor, like 4500
problem-missing-assets = Select yes if you or your spouse or partner have assets
problem-missing-assets-text = Describe the assets
problem-missing-other-needs = Select yes if you need to apply for anything else this month
problem-missing-other-needs-text = Describe what you need
problem-missing-changes = Select yes if anything has changed since your last application
problem-missing-changes-text = Enter what has changed
problem-text-too-long = The description must be { $max } characters or fewer
problem-missing-consent = You need to give your consent to apply here. If you do not want to, you can apply on a paper form at social services

## Sending the application
problem-unanswered-page =
    Answer the questions under “{ $page ->
        [manad] Which month are you applying for?
        [hushall] Do you live with a spouse or partner?
        [barn] Children in the household
        [kostnader] Housing and other costs
        [inkomster] Income
        [tillgangar] Assets
        [ovriga-behov] Other needs
        [forandringar] Has anything changed since your last application?
        [samtycke] Information from other agencies
       *[other] { $title }
    }”
problem-month-closed = You can no longer apply for { problem-arg-month } – select another month
problem-age-unknown = Your age could not be worked out from your personal identity number – contact social services
problem-already-submitted = You have already sent an application for { problem-arg-month }

## Attachments
problem-missing-file = Select a file to upload
problem-file-too-large = The attachment must be { $max } MB or smaller
problem-file-type = The attachment must be a PDF, JPG or PNG
problem-too-many-attachments = You can add up to { $max } attachments. Remove one to add a new one

## Messages
problem-missing-message = Enter a message
problem-message-too-long = The message must be { $max } characters or fewer – shorten it or split it into more than one message

## Staff: journal notes and decisions
problem-missing-note = Enter a note
problem-missing-outcome = Select a decision: granted, partly granted or refused
problem-decision-amount = Enter the amount granted in whole kronor, more than 0
problem-missing-reasons = Enter the reasons for the decision (Administrative Procedure Act, section 32)
problem-reasons-too-long = The reasons must be { $max } characters or fewer
problem-missing-provision = Select at least one provision the decision is based on
