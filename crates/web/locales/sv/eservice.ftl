# The e-service's frame, sign-in, Mina sidor, cases and attachments (Swedish).
# Every message here has its English twin in ../en/eservice.ftl.

## Shared banners (staff pages too)
banner-done = Klart
banner-problem = Det finns ett problem

## The page frame
eservice-service-name = Ekonomiskt bistånd
eservice-title-error-prefix = Fel:
eservice-skip-link = Hoppa till huvudinnehållet
eservice-main-menu = Huvudmeny
eservice-my-pages = Mina sidor
eservice-signed-in-as = Inloggad som
eservice-sign-out = Logga ut
eservice-test-banner = Det här är en testmiljö. Använd bara påhittade uppgifter – inget du skickar här handläggs på riktigt.
eservice-footer = Socialtjänsten – ekonomiskt bistånd. Frågor? Ring socialtjänstens mottagning.

## Success banners after a redirect
notice-signed-out = Du är utloggad.
notice-session-expired = Du har varit inaktiv för länge och har loggats ut. Det du sparat finns kvar.
notice-message-sent = Ditt meddelande är skickat.
notice-attachment-saved = Filen är bifogad.
notice-attachment-removed = Filen är borttagen.

## The start page (/e-tjanst)
start-title = Ansök om ekonomiskt bistånd
start-lead = Här kan du ansöka om ekonomiskt bistånd (försörjningsstöd) för en månad i taget och följa dina ärenden.
start-you-need = Du behöver:
start-need-eid = e-legitimation, till exempel BankID
start-need-costs = uppgifter om din hyra och andra kostnader
start-need-incomes = uppgifter om dina och din sambos inkomster
start-time = Det tar ungefär 10 minuter. Det du fyller i sparas efter varje sida, så du kan fortsätta senare.
start-incomes-fetched = Vi hämtar uppgifter om dina inkomster från andra myndigheter, till exempel Försäkringskassan och Skatteverket, om du samtycker till det.
start-sign-in-and-apply = Logga in och ansök

## Sign-in (/e-tjanst/logga-in)
signin-title = Logga in
signin-title-test = Logga in med test-legitimation
signin-lead = Logga in med BankID eller annan e-legitimation för att ansöka om ekonomiskt bistånd och följa dina ärenden.
signin-with-eid = Logga in med e-legitimation
signin-as-test-person = Logga in som testperson
signin-test-idp = Testmiljöns identitetsleverantör: välj en påhittad person att logga in som. I en riktig installation loggar du in med BankID eller annan e-legitimation.
signin-test-person = Testperson
signin-choose-person = Välj vilken testperson du vill logga in som
signin-no-personnummer = Din e-legitimation gav oss inget giltigt personnummer, så du kan inte logga in i e-tjänsten med den. Kontakta socialtjänsten om du behöver hjälp.
signin-oidc-unfinished = Inloggningen kunde inte slutföras. Den kan ha tagit för lång tid eller ha startats i en annan webbläsare. Försök igen.
signin-oidc-cancelled = Inloggningen avbröts. Försök igen om du vill logga in.
signin-oidc-unverified = Inloggningen kunde inte verifieras. Försök igen. Om felet finns kvar, kontakta oss.
signin-oidc-unavailable = Inloggningstjänsten svarar inte just nu. Försök igen om en stund.

## Mina sidor (/mina-sidor)
mina-sidor-title = Mina sidor
mina-sidor-apply-heading = Ansök om ekonomiskt bistånd
mina-sidor-draft = Du har en ansökan som inte är skickad. Det du fyllt i är sparat.
mina-sidor-apply-hint = Ansök för en månad i taget. Har du sökt förut fyller vi i dina senaste svar, så att du bara behöver kontrollera och ändra det som är nytt.
mina-sidor-continue = Fortsätt med ansökan
mina-sidor-apply = Ansök om ekonomiskt bistånd
mina-sidor-cases = Dina ärenden
mina-sidor-no-cases = Du har inga ärenden ännu.
mina-sidor-column-case = Ärende
mina-sidor-column-month = Månad
mina-sidor-column-sent = Skickad
mina-sidor-column-status = Status

## A case's status (by flode_casework::CaseStatus) and what it means
case-status-received = Mottagen
case-status-with-case-worker = Handläggs
case-status-decided = Beslutad
case-status-closed = Avslutad
case-status-cancelled = Avbruten
case-explanation-received = Vi har tagit emot din ansökan och hämtar uppgifter för att räkna ut ditt behov.
case-explanation-with-case-worker = En handläggare går igenom din ansökan.
case-explanation-decided = Beslut är fattat. Du får beslutet här på Mina sidor.
case-explanation-closed = Ärendet är avslutat. Beslutet finns under ärendet.
case-explanation-cancelled = Ärendet avbröts utan beslut. Kontakta socialtjänsten om du har frågor.

## A case (/mina-sidor/arenden/{"{"}id{"}"}), with the receipt right after sending
case-title = Ärende { $number }
case-receipt-title = Din ansökan är skickad
case-receipt-number = Ditt ärendenummer
case-receipt-received = Vi har tagit emot din ansökan om ekonomiskt bistånd för { $month }.
case-receipt-due = Du får beslutet här på Mina sidor, senast { $due }.
case-receipt-more-details = Vi hör av oss om vi behöver fler uppgifter.
case-back = Tillbaka till Mina sidor
case-number = Ärendenummer
case-regarding = Gäller
case-regarding-month = Ekonomiskt bistånd för { $month }
case-sent = Skickad
case-status = Status
case-due = Beslut senast
case-decision = Beslut
case-outcome-granted = Bifall
case-outcome-partly-granted = Delvis bifall
case-outcome-refused = Avslag
case-amount = Belopp
case-reasons = Skäl
case-decided-by = Beslutat av
case-decided-by-automated = automatiserad beslutsfunktion
case-appeal = Är du inte nöjd med beslutet kan du överklaga det inom tre veckor från den dag du fick del av det. Hur du gör står i beslutsbrevet.
case-letters = Brev
case-no-letters = Inga brev ännu.
# A letter's own title; in English, what kind of letter it is.
case-letter-decision = { $title }
case-letter-link = { $title } (PDF)
case-messages = Meddelanden
case-no-messages = Inga meddelanden.
case-message-from-you = Du
case-write = Skriv till socialtjänsten
case-write-hint = Meddelandet sparas i ditt ärende. Skriv inte känsliga uppgifter om andra än dig själv.
case-send = Skicka meddelandet

## Attachments (/mina-sidor/ansokan/{"{"}id{"}"}/bilagor)
attachments-title = Bilagor
attachments-back = Tillbaka till dina svar
attachments-intro = Här kan du bifoga till exempel hyresavi, kontoutdrag eller läkarintyg. Det är frivilligt; socialtjänsten hör av sig om något saknas.
attachments-rules-size = Filerna kan vara PDF, JPG eller PNG, högst { $mb } MB styck
attachments-rules-count = och högst { $n } filer.
attachments-attached = Bifogade filer
attachments-none = Du har inte bifogat några filer.
attachments-remove = Ta bort
attachments-add = Lägg till en fil
attachments-choose = Välj en fil
attachments-hint = PDF, JPG eller PNG, högst { $mb } MB.
attachments-upload = Ladda upp filen
attachments-done = Klar, tillbaka till dina svar
attachments-too-large = Filen är för stor: den får vara högst { $mb } MB
attachments-kind-pdf = PDF
attachments-kind-jpeg = JPG-bild
attachments-kind-png = PNG-bild
attachments-kind-other = fil

## Month names (a case's month: `month-12` and the year)
month-1 = januari
month-2 = februari
month-3 = mars
month-4 = april
month-5 = maj
month-6 = juni
month-7 = juli
month-8 = augusti
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december
