# The application: question pages and check your answers (en).
# Every message here has its Swedish twin in ../sv/application.ftl.

## Page titles
application-title-month = Which month are you applying for?
application-title-household = Do you live with a spouse or partner?
application-title-children = Children in your household
application-title-costs = Housing and other costs
application-title-incomes = Income
application-title-assets = Assets
application-title-other-needs = Other needs
application-title-changes = Has anything changed since your last application?
application-title-consent = Information from other agencies
application-title-check = Check your answers

## Around the questions
application-back = Back
# $step and $steps: this page's number and how many there are.
application-step = Step { $step } of { $steps }
application-error-prefix = Error:
application-yes = Yes
application-no = No
application-per-month = kr a month
application-save-and-continue = Save and continue
application-save-for-later = Save and come back later

## Month
application-month = Month

## Household
application-partner = Do you live with a spouse or partner?
application-partner-hint = If you do, you apply together and we count both your incomes.
application-partner-age = How old is your spouse or partner?
application-partner-age-hint = Only fill this in if you answered yes. Give their age in whole years.

## Children
application-children-intro = Add each child under 21 who lives with you, one at a time. If no children live with you, continue.
application-children-added = Children who live with you
application-children-none-added = You have not added any children.
# A child in the list: "Child 1".
application-child-number = Child { $n }
application-child-remove = Remove
# After "Remove", for screen readers: "Remove child 1".
application-child-remove-which = child { $n }
application-add-a-child = Add a child
application-add-another-child = Add another child
application-child-age = The child's age
application-child-age-hint = In whole years.
application-child-lunch = Does the child eat lunch at preschool or school on weekdays?
application-child-days = Number of days a month the child lives with you
application-child-days-hint = Only fill this in if the child lives with you for part of the month, for example if they live with each parent in turn.
application-add-the-child = Add this child
# A child as one line: "7 years old, eats lunch at preschool or school, 10 days a month".
application-child-years = { $n ->
    [one] { $n } year old
   *[other] { $n } years old
}
application-child-eats-lunch = eats lunch at preschool or school
application-child-days-a-month = { $n ->
    [one] { $n } day a month
   *[other] { $n } days a month
}

## Costs
application-costs-intro = Give your costs per month in whole kronor. Leave a box empty if you do not have that cost. Send receipts or your rent notice if social services asks for them.
application-cost-housing = Housing costs
application-cost-electricity = Household electricity
application-cost-home-insurance = Home insurance
application-cost-work-travel = Travel to work
application-cost-union-fee = Trade union fee
application-cost-unemployment-fund-fee = Unemployment insurance fund (a-kassa) fee
application-cost-healthcare = Medical care
application-cost-medicine = Prescription medicine
application-cost-dental-care = Emergency dental care
application-cost-childcare = Childcare fees
application-cost-other-living = Other living costs

## Incomes
application-incomes-intro = Give your income per month after tax, in whole kronor. Leave a box empty if you do not have that income.
application-your-incomes = Your income
application-partner-incomes = Your spouse or partner's income
application-income-salary = Wages after tax
application-income-unemployment-benefit = Unemployment benefit
application-income-activity-support = Activity support or development allowance
application-income-establishment-allowance = Introduction benefit
application-income-child-benefit = Child allowance and large family supplement
application-income-housing-allowance = Housing allowance or housing supplement
application-income-maintenance-support = Maintenance support or child maintenance
application-income-parental-benefit = Parental benefit
application-income-sickness-benefit = Sickness benefit
application-income-disability-benefit = Sickness or activity compensation
application-income-pension = Pension
application-income-student-aid = Student finance
application-income-tax-refund = Tax refund
application-income-capital-income = Income from savings or investments
application-income-deposits = Money paid into your account (for example Swish)
application-income-other-counted = Other income
application-income-tax-free-disability-allowance = Tax-free disability allowance
application-income-student-aid-supplement = CSN extra supplement
application-income-small-gift = Small gift from a foundation

## Assets
application-assets = Do you, or your spouse or partner, have any assets that could be used or sold?
application-assets-hint = For example money in bank accounts, shares, funds, a car, a boat, a holiday home or other property. As a rule, assets must be used before financial assistance can be given.
application-assets-what = What assets are they, and roughly what are they worth?
application-assets-what-hint = Only fill this in if you answered yes.

## Other needs
application-other-needs = Do you need to apply for assistance with anything beyond the usual this month?
application-other-needs-hint = For example glasses, dental care, furniture, household equipment or moving costs. A case worker will assess it.
application-other-needs-what = What do you need, and roughly what does it cost?
application-other-needs-what-hint = Only fill this in if you answered yes.

## Changes
application-changes = Has anything changed since your last application?
application-changes-what = What has changed?
application-changes-what-hint = Only fill this in if you answered yes. For example a new address, a new job or someone moving in or out.

## Consent
application-consent-intro = To assess your application we get information about income and benefits from Försäkringskassan (the Social Insurance Agency), Skatteverket (the Tax Agency), CSN (student finance), Arbetsförmedlingen (the Public Employment Service), Pensionsmyndigheten (the Pensions Agency) and your a-kassa (unemployment insurance fund), through SSBTEK. You can take back your consent at any time by contacting social services. If you do not give consent, you can apply on a paper form.
application-consent = I agree that social services may get information about me and my household from other agencies to assess my application

## Check your answers
application-check-intro = Check that everything is correct before you send your application.
application-change = Change
application-not-answered = Not answered
application-none = None
application-summary-partner = Spouse or partner
application-summary-partner-yes = { $n ->
    [one] Yes, { $n } year old
   *[other] Yes, { $n } years old
}
application-summary-children = Children
application-summary-costs = Costs
application-summary-partner-incomes = Co-applicant's income
application-summary-assets = Assets
application-summary-other-needs = Other needs
application-summary-changes = Changes since your last application
# A yes with its description (assets, other needs, changes): "Yes: New address".
application-summary-yes-with-text = Yes: { $text }
application-summary-consent = Consent to getting information
application-attachments = Attachments
application-attachments-count = { $n ->
    [0] You have not attached any files.
    [one] You have attached 1 file.
   *[other] You have attached { $n } files.
}
application-attachments-hint = For example a rent notice or bank statement. This is optional.
application-attachments-change = Add or remove attachments
application-send-heading = Send your application
application-declaration = By sending your application you confirm that the information is true and that you will tell social services if anything changes. If you give wrong information, you may have to pay money back.
application-send = Send application
