# The e-service's frame, sign-in, Mina sidor, cases and attachments (English).
# Every message here has its Swedish twin in ../sv/eservice.ftl.

## Shared banners (staff pages too)
banner-done = Done
banner-problem = There is a problem

## The page frame
eservice-service-name = Financial assistance
eservice-title-error-prefix = Error:
eservice-skip-link = Skip to main content
eservice-main-menu = Main menu
eservice-my-pages = My pages
eservice-signed-in-as = Signed in as
eservice-sign-out = Sign out
eservice-test-banner = This is a test environment. Use made-up details only – nothing you send here is handled for real.
eservice-footer = Social services – financial assistance. Questions? Call the social services reception.

## Success banners after a redirect
notice-signed-out = You are signed out.
notice-session-expired = You were inactive for too long and have been signed out. What you saved is still there.
notice-message-sent = Your message has been sent.
notice-attachment-saved = The file is attached.
notice-attachment-removed = The file is removed.

## The start page (/e-tjanst)
start-title = Apply for financial assistance
start-lead = Here you can apply for financial assistance (income support) one month at a time and follow your cases.
start-you-need = You need:
start-need-eid = an e-ID, for example BankID
start-need-costs = details of your rent and other costs
start-need-incomes = details of your income and your partner's income
start-time = It takes about 10 minutes. What you enter is saved after each page, so you can continue later.
start-incomes-fetched = If you agree, we get details of your income from other agencies, for example Försäkringskassan (the Social Insurance Agency) and Skatteverket (the Tax Agency).
start-sign-in-and-apply = Sign in and apply

## Sign-in (/e-tjanst/logga-in)
signin-title = Sign in
signin-title-test = Sign in with test e-ID
signin-lead = Sign in with BankID or another e-ID to apply for financial assistance and follow your cases.
signin-with-eid = Sign in with e-ID
signin-as-test-person = Sign in as a test person
signin-test-idp = The test environment's identity provider: choose a made-up person to sign in as. In a real installation you sign in with BankID or another e-ID.
signin-test-person = Test person
signin-choose-person = Choose which test person you want to sign in as
signin-no-personnummer = Your e-ID did not give us a valid personal identity number, so you cannot use it to sign in to the e-service. Contact social services if you need help.
signin-oidc-unfinished = The sign-in could not be completed. It may have taken too long or been started in another browser. Try again.
signin-oidc-cancelled = The sign-in was cancelled. Try again if you want to sign in.
signin-oidc-unverified = We could not verify the sign-in. Try again. If the problem continues, contact us.
signin-oidc-unavailable = The sign-in service is not responding at the moment. Try again later.

## Mina sidor (/mina-sidor)
mina-sidor-title = My pages
mina-sidor-apply-heading = Apply for financial assistance
mina-sidor-draft = You have an application that you have not sent yet. What you have entered is saved.
mina-sidor-apply-hint = Apply for one month at a time. If you have applied before, we fill in your latest answers, so you only need to check them and change what is new.
mina-sidor-continue = Continue your application
mina-sidor-apply = Apply for financial assistance
mina-sidor-cases = Your cases
mina-sidor-no-cases = You do not have any cases yet.
mina-sidor-column-case = Case
mina-sidor-column-month = Month
mina-sidor-column-sent = Sent
mina-sidor-column-status = Status

## A case's status (by flode_casework::CaseStatus) and what it means
case-status-received = Received
case-status-with-case-worker = Being handled
case-status-decided = Decided
case-status-closed = Closed
case-status-cancelled = Cancelled
case-explanation-received = We have received your application and are getting the information we need to work out what you need.
case-explanation-with-case-worker = A social worker is going through your application.
case-explanation-decided = A decision has been made. You will get the decision here on My pages.
case-explanation-closed = The case is closed. You can find the decision on this case.
case-explanation-cancelled = The case was stopped without a decision. Contact social services if you have any questions.

## A case (/mina-sidor/arenden/{"{"}id{"}"}), with the receipt right after sending
case-title = Case { $number }
case-receipt-title = Your application has been sent
case-receipt-number = Your case number
case-receipt-received = We have received your application for financial assistance for { $month }.
case-receipt-due = You will get the decision here on My pages by { $due } at the latest.
case-receipt-more-details = We will contact you if we need more information.
case-back = Back to My pages
case-number = Case number
case-regarding = About
case-regarding-month = Financial assistance for { $month }
case-sent = Sent
case-status = Status
case-due = Decision by
case-decision = Decision
case-outcome-granted = Granted
case-outcome-partly-granted = Partly granted
case-outcome-refused = Refused
case-amount = Amount
case-reasons = Reasons
case-decided-by = Decided by
case-decided-by-automated = automated decision-making
case-appeal = If you are not happy with the decision, you can appeal against it within 3 weeks of the day you were told about it. The decision letter explains how.
case-letters = Letters
case-no-letters = No letters yet.
# A letter's own title; in English, what kind of letter it is.
case-letter-decision = Decision letter
case-letter-link = { $title } (PDF, in Swedish)
case-messages = Messages
case-no-messages = No messages.
case-message-from-you = You
case-write = Write to social services
case-write-hint = Your message is saved in your case. Do not write sensitive information about anyone other than yourself.
case-send = Send message

## Attachments (/mina-sidor/ansokan/{"{"}id{"}"}/bilagor)
attachments-title = Attachments
attachments-back = Back to your answers
attachments-intro = Here you can attach documents such as a rent notice, a bank statement or a doctor's certificate. This is optional: social services will contact you if anything is missing.
attachments-rules-size = Files can be PDF, JPG or PNG, up to { $mb } MB each
attachments-rules-count = { $n ->
        [one] and 1 file in total.
       *[other] and up to { $n } files in total.
    }
attachments-attached = Attached files
attachments-none = You have not attached any files.
attachments-remove = Remove
attachments-add = Add a file
attachments-choose = Choose a file
attachments-hint = PDF, JPG or PNG, up to { $mb } MB.
attachments-upload = Upload file
attachments-done = Done, back to your answers
attachments-too-large = The file is too big: it must be { $mb } MB or smaller
attachments-kind-pdf = PDF
attachments-kind-jpeg = JPG image
attachments-kind-png = PNG image
attachments-kind-other = file

## Month names (a case's month: `month-12` and the year)
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
