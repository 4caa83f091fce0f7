# Problems with what a citizen entered, by code from flode-casework (sv).
# Each text is exactly the Swedish `FieldProblem::message` of its code, arguments where the
# message has a number or a label (a test in src/eservice/mod.rs holds them together).
# Every message here has its English twin in ../en/problems.ftl.

## Arguments the English file translates (the Swedish ones are the text as it is)
problem-arg-amount-label = { $label }
problem-arg-month = { $month }

## The application's pages
problem-missing-month = Välj vilken månad du söker för
problem-missing-household-partner = Välj ja om du bor med en make, maka eller sambo
problem-missing-number = Ange { $label }
problem-integer = { $label } måste vara ett heltal mellan { $min } och { $max }
problem-too-many-children = En ansökan kan ha högst { $max } barn; kontakta socialtjänsten
problem-missing-child-lunch = Välj om barnet äter lunch i förskola eller skola på vardagar
problem-child-not-added = Du har fyllt i uppgifter om ett barn. Tryck på ”Lägg till barnet”, eller töm fälten för att gå vidare
problem-amount-negative = { $label } kan inte vara ett negativt belopp
problem-amount-too-large = { $label } måste vara högst { $max } kronor per månad
problem-amount-whole-kronor = { $label } ska anges i hela kronor, till exempel 4500
problem-missing-assets = Välj ja om du eller din make, maka eller sambo har tillgångar
problem-missing-assets-text = Beskriv tillgångarna
problem-missing-other-needs = Välj ja om du behöver söka för något mer den här månaden
problem-missing-other-needs-text = Beskriv vad du behöver
problem-missing-changes = Välj ja om något har ändrats sedan din förra ansökan
problem-missing-changes-text = Beskriv vad som har ändrats
problem-text-too-long = Beskrivningen får vara högst { $max } tecken
problem-missing-consent = Du behöver samtycka för att söka här. Vill du inte det kan du söka på blankett hos socialtjänsten

## Sending the application
problem-unanswered-page = Svara på frågorna under ”{ $title }”
problem-month-closed = Det går inte längre att söka för { $month }; välj en annan månad
problem-age-unknown = Din ålder kunde inte räknas ut från ditt personnummer; kontakta socialtjänsten
problem-already-submitted = Du har redan skickat en ansökan för { $month }

## Attachments
problem-missing-file = Välj en fil att ladda upp
problem-file-too-large = Filen är för stor: den får vara högst { $max } MB
problem-file-type = Filen måste vara en PDF, JPG eller PNG
problem-too-many-attachments = Du kan bifoga högst { $max } filer. Ta bort en fil för att lägga till en ny

## Messages
problem-missing-message = Skriv ett meddelande
problem-message-too-long = Meddelandet får vara högst { $max } tecken; korta det eller dela upp det i flera meddelanden

## Staff: journal notes and decisions
problem-missing-note = Skriv en anteckning
problem-missing-outcome = Välj beslut: bifall, delvis bifall eller avslag
problem-decision-amount = Ange beviljat belopp i hela kronor, större än 0
problem-missing-reasons = Skriv en motivering: skälen för beslutet (förvaltningslagen 32 §)
problem-reasons-too-long = Motiveringen får vara högst { $max } tecken
problem-missing-provision = Välj minst ett lagrum som beslutet grundar sig på
