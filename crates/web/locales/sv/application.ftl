# The application: question pages and check your answers (sv).
# Every message here has its English twin in ../en/application.ftl.

## Page titles
application-title-month = Vilken månad söker du för?
application-title-household = Bor du med en make, maka eller sambo?
application-title-children = Barn i hushållet
application-title-costs = Boende och andra kostnader
application-title-incomes = Inkomster
application-title-assets = Tillgångar
application-title-other-needs = Övriga behov
application-title-changes = Har något ändrats sedan din förra ansökan?
application-title-consent = Uppgifter från andra myndigheter
application-title-check = Kontrollera dina svar

## Around the questions
application-back = Tillbaka
# $step and $steps: this page's number and how many there are.
application-step = Steg { $step } av { $steps }
application-error-prefix = Fel:
application-yes = Ja
application-no = Nej
application-per-month = kr/mån
application-save-and-continue = Spara och fortsätt
application-save-for-later = Spara och fortsätt senare

## Month
application-month = Månad

## Household
application-partner = Bor du med en make, maka eller sambo?
application-partner-hint = Ni söker i så fall tillsammans, och vi räknar med båda era inkomster.
application-partner-age = Hur gammal är din make, maka eller sambo?
application-partner-age-hint = Fyll bara i om du svarade ja. Ange ålder i hela år.

## Children
application-children-intro = Lägg till varje barn under 21 år som bor hos dig, ett i taget. Har du inga barn som bor hos dig går du vidare.
application-children-added = Barn som bor hos dig
application-children-none-added = Du har inte lagt till några barn.
# A child in the list: "Barn 1".
application-child-number = Barn { $n }
application-child-remove = Ta bort
# After "Ta bort", for screen readers: "Ta bort barn 1".
application-child-remove-which = barn { $n }
application-add-a-child = Lägg till ett barn
application-add-another-child = Lägg till ett barn till
application-child-age = Barnets ålder
application-child-age-hint = I hela år.
application-child-lunch = Äter barnet lunch i förskola eller skola på vardagar?
application-child-days = Antal dagar i månaden barnet bor hos dig
application-child-days-hint = Fyll bara i om barnet bor hos dig en del av månaden, till exempel vid växelvis boende.
application-add-the-child = Lägg till barnet
# A child as one line: "7 år, äter lunch i förskola/skola, 10 dagar i månaden".
application-child-years = { $n } år
application-child-eats-lunch = äter lunch i förskola/skola
application-child-days-a-month = { $n } dagar i månaden

## Costs
application-costs-intro = Ange kostnader per månad i hela kronor. Lämna tomt om du inte har kostnaden. Skicka kvitton eller hyresavi om socialtjänsten ber om det.
application-cost-housing = Boendekostnad
application-cost-electricity = Hushållsel
application-cost-home-insurance = Hemförsäkring
application-cost-work-travel = Arbetsresor
application-cost-union-fee = Fackavgift
application-cost-unemployment-fund-fee = A-kasseavgift
application-cost-healthcare = Läkarvård
application-cost-medicine = Receptbelagd medicin
application-cost-dental-care = Akut tandvård
application-cost-childcare = Barnomsorgsavgift
application-cost-other-living = Livsföring i övrigt

## Incomes
application-incomes-intro = Ange inkomster per månad efter skatt, i hela kronor. Lämna tomt om ni inte har inkomsten.
application-your-incomes = Dina inkomster
application-partner-incomes = Din make, makas eller sambos inkomster
application-income-salary = Lön efter skatt
application-income-unemployment-benefit = Arbetslöshetsersättning
application-income-activity-support = Aktivitetsstöd/utvecklingsersättning
application-income-establishment-allowance = Etableringsersättning
application-income-child-benefit = Barnbidrag och flerbarnstillägg
application-income-housing-allowance = Bostadsbidrag/bostadstillägg
application-income-maintenance-support = Underhållsstöd/underhållsbidrag
application-income-parental-benefit = Föräldrapenning
application-income-sickness-benefit = Sjukpenning
application-income-disability-benefit = Sjuk- eller aktivitetsersättning
application-income-pension = Pension
application-income-student-aid = Studiemedel
application-income-tax-refund = Skatteåterbäring
application-income-capital-income = Kapitalinkomst
application-income-deposits = Insättningar (t.ex. Swish)
application-income-other-counted = Annan inkomst
application-income-tax-free-disability-allowance = Skattefri handikappersättning
application-income-student-aid-supplement = CSN:s extra tillägg
application-income-small-gift = Mindre gåva från fond

## Assets
application-assets = Har du, eller din make, maka eller sambo, tillgångar som går att använda eller sälja?
application-assets-hint = Till exempel pengar på bankkonton, aktier, fonder, bil, båt, fritidshus eller annan fastighet. Tillgångar ska i regel användas innan bistånd kan ges.
application-assets-what = Vilka tillgångar, och ungefär vad är de värda?
application-assets-what-hint = Fyll bara i om du svarade ja.

## Other needs
application-other-needs = Behöver du söka bistånd för något mer än det vanliga den här månaden?
application-other-needs-hint = Till exempel glasögon, tandvård, möbler, hemutrustning eller flyttkostnader. En handläggare prövar det.
application-other-needs-what = Vad behöver du, och ungefär vad kostar det?
application-other-needs-what-hint = Fyll bara i om du svarade ja.

## Changes
application-changes = Har något ändrats sedan din förra ansökan?
application-changes-what = Vad har ändrats?
application-changes-what-hint = Fyll bara i om du svarade ja. Till exempel ny adress, nytt jobb eller att någon flyttat in eller ut.

## Consent
application-consent-intro = För att pröva din ansökan hämtar vi uppgifter om inkomster och ersättningar från Försäkringskassan, Skatteverket, CSN, Arbetsförmedlingen, Pensionsmyndigheten och a-kassan (SSBTEK). Du kan när som helst ta tillbaka ditt samtycke genom att kontakta socialtjänsten. Utan samtycke kan du söka på blankett.
application-consent = Jag samtycker till att socialtjänsten hämtar uppgifter om mig och mitt hushåll från andra myndigheter för att pröva min ansökan

## Check your answers
application-check-intro = Kontrollera att allt stämmer innan du skickar ansökan.
application-change = Ändra
application-not-answered = Inte besvarad
application-none = Inga
application-summary-partner = Make, maka eller sambo
application-summary-partner-yes = Ja, { $n } år
application-summary-children = Barn
application-summary-costs = Kostnader
application-summary-partner-incomes = Medsökandes inkomster
application-summary-assets = Tillgångar
application-summary-other-needs = Övriga behov
application-summary-changes = Förändringar sedan förra ansökan
# A yes with its description (assets, other needs, changes): "Ja: Ny adress".
application-summary-yes-with-text = Ja: { $text }
application-summary-consent = Samtycke till att hämta uppgifter
application-attachments = Bilagor
application-attachments-count = { $n ->
    [0] Du har inte bifogat några filer.
    [one] Du har bifogat 1 fil.
   *[other] Du har bifogat { $n } filer.
}
application-attachments-hint = Till exempel hyresavi eller kontoutdrag; det är frivilligt.
application-attachments-change = Lägg till eller ta bort bilagor
application-send-heading = Skicka ansökan
application-declaration = När du skickar ansökan intygar du att uppgifterna är sanna och att du meddelar socialtjänsten om något ändras. Felaktiga uppgifter kan leda till återkrav.
application-send = Skicka ansökan
