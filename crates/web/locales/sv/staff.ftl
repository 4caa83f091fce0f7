# The staff pages: the frame, sign-in, overview, cases, processes, instances, tasks, jobs,
# incidents and error pages (sv). Every message here has its English twin in
# ../en/staff.ftl. Case content (answers, reasons, letters, legal references) is data and
# never comes from here.

## The page frame
staff-skip-link = Hoppa till huvudinnehållet
staff-main-menu = Huvudmeny
staff-signed-in-as = Inloggad som
staff-sign-out = Logga ut
staff-footer = flode – processplattform för socialtjänsten
# Before the title and before a field's error message (visually hidden).
staff-error-prefix = Fel:
staff-nav-overview = Översikt
staff-nav-cases = Ärenden
staff-nav-definitions = Processer
staff-nav-instances = Instanser
staff-nav-tasks = Uppgifter
staff-nav-jobs = Jobb
staff-nav-incidents = Incidenter
# A role, by its code (flode_security::Role::as_str).
staff-role =
    { $role ->
        [socialsekreterare] Socialsekreterare
        [forste_socialsekreterare] Förste socialsekreterare
        [admin] Administratör
       *[other] { $role }
    }

## Success banners after a redirect
staff-notice-deployed = Modellen är driftsatt.
staff-notice-unchanged = Modellen var redan driftsatt. Ingen ny version skapades.
staff-notice-started = Instansen är startad.
staff-notice-cancelled = Instansen är avbruten.
staff-notice-completed = Uppgiften är slutförd.
staff-notice-resolved = Incidenten är löst.
staff-notice-signed-out = Du är utloggad.
staff-notice-decided = Beslutet är fattat. Beslutsbrevet skapas och den sökande meddelas.
staff-notice-note-saved = Anteckningen är sparad.
staff-notice-message-sent = Meddelandet är skickat till den sökande.

## Error pages (staff-error-{what}-heading and -message)
staff-error-bad-request-heading = Felaktig begäran
staff-error-bad-request-message = Begäran kunde inte tolkas. Gå tillbaka och försök igen.
staff-error-conflict-heading = Ändringen kunde inte göras
staff-error-conflict-message = Läget har ändrats sedan sidan visades. Ladda om sidan och försök igen.
staff-error-not-found-heading = Sidan hittades inte
staff-error-not-found-message = Kontrollera adressen. Det du letar efter kan ha tagits bort.
staff-error-cross-site-heading = Åtgärden är inte tillåten
staff-error-cross-site-message = Formuläret skickades från en annan webbplats. Öppna flode direkt och försök igen.
staff-error-no-access-heading = Du saknar behörighet
staff-error-no-access-message = Din roll ger inte behörighet till den här åtgärden. Kontakta en administratör om du behöver den.
staff-error-internal-heading = Något gick fel
staff-error-internal-message = Tjänsten kunde inte visa sidan. Försök igen om en stund.
staff-error-detail = Teknisk information:
# Followed by the error code.
staff-error-correlation-before = Om felet kvarstår, kontakta förvaltningen och ange felkoden
staff-error-to-overview = Till översikten
staff-conflict-already-submitted = Ansökan är redan skickad och kan inte ändras.
staff-conflict-not-awaiting-decision = Ärendet väntar inte på beslut.

## Shared table columns, filters and labels
staff-column-action = Åtgärd
staff-column-business-key = Ärendenummer
staff-column-completed-by = Slutförd av
staff-column-count = Antal
staff-column-deployed = Driftsatt
staff-column-due = Förfaller
staff-column-element-type = Elementtyp
staff-column-ended = Avslutad
staff-column-file = Fil
staff-column-id = Id
staff-column-instance = Instans
staff-column-job-type = Jobbtyp
staff-column-key = Nyckel
staff-column-kind = Slag
staff-column-last-error = Senaste fel
staff-column-locked-by = Låst av
staff-column-locked-until = Låst till
staff-column-message = Meddelande
staff-column-name = Namn
staff-column-node = Nod
staff-column-occurred = Uppstod
staff-column-parent = Förälder
staff-column-process = Process
staff-column-retries = Försök kvar
staff-column-scope = Omfång
staff-column-started = Startad
staff-column-status = Status
staff-column-task = Uppgift
staff-column-token-state = Tillstånd
staff-column-type = Typ
staff-column-value-json = Värde (JSON)
staff-column-version = Version
staff-filter = Filtrera
staff-filter-all = Alla
staff-variables = Variabler (JSON, valfritt)
staff-variables-not-object = Variablerna måste vara ett JSON-objekt, till exempel {"{"}"belopp": 100{"}"}
staff-variables-not-json = Variablerna är inte giltig JSON (rad { $line }, kolumn { $column })
staff-pagination = Sidor
staff-pagination-previous = Föregående sida
staff-pagination-next = Nästa sida

## The engine's state and kind codes (pages/labels.rs); unknown codes as they are
staff-instance-state =
    { $code ->
        [active] Pågående
        [completed] Slutförd
        [terminated] Avslutad
        [canceled] Avbruten
       *[other] { $code }
    }
staff-token-state =
    { $code ->
        [arriving] På väg in
        [waiting] Väntar
        [scope] Underprocess pågår
        [joining] Väntar vid sammanslagning
        [incident] Incident
       *[other] { $code }
    }
staff-activity-state =
    { $code ->
        [active] Pågår
        [completed] Slutförd
        [canceled] Avbruten
        [skipped] Hoppades över
       *[other] { $code }
    }
staff-task-state =
    { $code ->
        [created] Öppen
        [completed] Slutförd
        [canceled] Avbruten
       *[other] { $code }
    }
staff-job-state =
    { $code ->
        [ready] Redo
        [active] Pågår
        [failed] Misslyckad
        [completed] Slutförd
        [canceled] Avbruten
       *[other] { $code }
    }
staff-job-kind =
    { $code ->
        [task] Tjänsteuppgift
        [timer] Timer
       *[other] { $code }
    }
staff-incident-state =
    { $code ->
        [open] Öppen
        [resolved] Löst
       *[other] { $code }
    }
staff-incident-kind =
    { $code ->
        [job_failed] Jobbet misslyckades
        [expression] Fel i uttryck
        [unhandled_error] Ohanterat fel
        [no_flow] Inget flöde att ta
        [loop_guard] Möjlig oändlig loop
       *[other] { $code }
    }
staff-definition-kind =
    { $code ->
        [bpmn] Process (BPMN)
        [dmn] Beslut (DMN)
       *[other] { $code }
    }

## Sign-in (/logga-in)
staff-login-title = Logga in
staff-login-with-organisation = Logga in med organisationens konto
staff-login-with-password-heading = Logga in med användarnamn och lösenord
staff-login-own-account = Har du ett eget konto i flode kan du också logga in med det.
staff-login-lead = Logga in med ditt användarnamn och lösenord i flode.
staff-login-username = Användarnamn
staff-login-password = Lösenord
staff-login-button = Logga in
staff-login-missing-username = Ange ditt användarnamn
staff-login-missing-password = Ange ditt lösenord
staff-login-wrong = Användarnamnet eller lösenordet är fel
# $n: minutes until sign-in opens again.
staff-login-locked =
    För många misslyckade inloggningar. Av säkerhetsskäl är inloggningen spärrad. Försök igen om { $n } { $n ->
        [one] minut
       *[other] minuter
    }.
staff-login-no-account = Ditt konto i organisationen är inte kopplat till något aktivt konto i flode. Kontakta en administratör.

## Overview (/); $n is the count before the label
staff-overview-title = Översikt
staff-overview-active-instances = pågående instanser
staff-overview-open-tasks = öppna uppgifter
staff-overview-open-incidents = öppna incidenter
staff-overview-pending-jobs = väntande jobb
staff-overview-ended-instances = avslutade instanser
staff-overview-definitions = driftsatta versioner

## Cases (/arenden and /arenden/{id})
staff-cases-title = Ärenden
staff-cases-lead = Öppna ärenden om ekonomiskt bistånd, det som ska beslutas först överst.
staff-cases-none = Inga öppna ärenden.
staff-cases-caption = Öppna ärenden
staff-cases-column-case = Ärende
staff-cases-column-month = Månad
staff-cases-overdue = Försenat
staff-cases-calculate-by-hand = Beräkna manuellt
staff-case-status-received = Mottagen
staff-case-status-with-case-worker = Handläggs
staff-case-status-decided = Beslutad
staff-case-status-closed = Avslutad
staff-case-status-cancelled = Avbruten
staff-case-outcome-granted = Bifall
staff-case-outcome-partly-granted = Delvis bifall
staff-case-outcome-refused = Avslag
staff-case-title = Ärende { $number }
staff-case-all-cases = Alla ärenden
staff-case-number = Ärendenummer
staff-case-applicant = Sökande
# Written by the applicant, in the message list.
staff-case-applicant-author = { $name } (sökande)
staff-case-personnummer = Personnummer
staff-case-concerns = Gäller
staff-case-concerns-month = Försörjningsstöd för { $month }
staff-case-received = Inkom
staff-case-due = Beslut senast
# The deadline and how late: "2026-11-25 (försenat 3 dagar)".
staff-case-due-overdue = { $date } ({ $overdue })
staff-case-overdue-days = försenat { $n } dagar
staff-case-application-type = Ansökningstyp
staff-case-application-type-value =
    { $code ->
        [aterkommande] Återkommande ansökan
        [nyansokan] Nyansökan
       *[other] { $code }
    }
staff-case-application = Ansökan
staff-case-attachments = Bilagor
staff-case-no-attachments = Inga bilagor.
staff-case-ssbtek = Uppgifter från andra myndigheter (SSBTEK)
staff-case-ssbtek-failed-sources = Källor som inte svarade
staff-case-ssbtek-all-answered = Inga: alla källor svarade
staff-case-ssbtek-protected = Skyddade personuppgifter
staff-case-ssbtek-protected-yes = Ja – hanteras med särskild försiktighet
staff-case-no = Nej
staff-case-ssbtek-correlation-id = Fråga (korrelations-id)
staff-case-ssbtek-no-payments = Inga utbetalningar rapporterades.
staff-case-ssbtek-payments-caption = Utbetalningar enligt källorna
staff-case-ssbtek-payment = Källa, slag och utbetalningsdag
staff-case-ssbtek-not-fetched = Uppgifterna är inte hämtade ännu.
staff-case-amount = Belopp
staff-case-calculation = Beräkning enligt riksnormen
staff-case-no-calculation = Ingen beräkning ännu.
staff-case-calc-by-hand = Beräkningen kunde inte göras automatiskt:
staff-case-calc-by-hand-how = Beräkna behovet enligt riksnormen manuellt och ange beloppet i beslutet. Ärendet kan inte beslutas automatiskt.
staff-case-no-proposal-by-hand = Inget förslag, eftersom beräkningen saknas.
staff-case-calculation-caption = Beräkningens rader
staff-case-calc-part = Del
staff-case-calc-item = Post och skäl
staff-case-calc-applied = Sökt
staff-case-calc-section =
    { $code ->
        [norm] Riksnorm
        [cost] Kostnader utanför normen
        [income] Inkomster
       *[other] { $code }
    }
staff-case-calc-unconfirmed = [ej bekräftat belopp]
staff-case-total-norm = Riksnorm
staff-case-total-costs = Skäliga kostnader
staff-case-total-need = Behov
staff-case-total-income = Inkomster
staff-case-total-support = Bistånd enligt beräkningen
staff-case-proposal = Förslag
staff-case-no-proposal = Inget förslag ännu.
staff-case-proposal-grant = Bifall med { $amount } enligt riksnormen.
staff-case-proposal-refuse = Inkomsterna täcker behovet enligt riksnormen: avslag, om inget annat framkommer.
staff-case-deviations = Inkomster enligt SSBTEK som är högre än i ansökan
staff-case-deviations-counted = (de högre beloppen är medräknade):
staff-case-delegation = Delegationsreglerna:
staff-case-decision = Beslut
staff-case-reasons = Motivering
staff-case-provisions = Lagrum
staff-case-decided-by = Beslutat av
staff-case-decide = Besluta
staff-case-amount-per-month = Belopp per månad (kronor)
staff-case-amount-hint = Förslaget enligt beräkningen är ifyllt. Vid avslag: 0.
staff-case-amount-hint-by-hand = Beloppet enligt din manuella beräkning. Vid avslag: 0.
staff-case-reasons-hint = Skälen för beslutet i klarspråk (förvaltningslagen 32 §). Texten står i beslutsbrevet.
staff-case-decide-button = Fatta beslut
staff-case-notes = Journalanteckningar
staff-case-no-notes = Inga anteckningar.
staff-case-new-note = Ny anteckning
staff-case-new-note-hint = Anteckningar kan inte ändras i efterhand; en rättelse skrivs som en ny anteckning.
staff-case-save-note = Spara anteckningen
staff-case-messages = Meddelanden med den sökande
staff-case-no-messages = Inga meddelanden.
staff-case-write-message = Skriv till den sökande
staff-case-write-message-hint = Visas på den sökandes Mina sidor.
staff-case-send-message = Skicka meddelandet
staff-case-letters = Brev
staff-case-no-letters = Inga brev ännu.
staff-case-reads = Vem har läst ärendet
staff-case-reads-caption = Läsloggen
staff-case-reads-who = Vem
staff-case-reads-what = Vad
staff-case-reads-when = När
# What a read of the case was, by the read log's code.
staff-case-read-what =
    { $what ->
        [dokument] Öppnade ett dokument
        [bilaga] Öppnade en bilaga
       *[other] Läste ärendet
    }

## Processes (/processer and /processer/{id})
staff-definitions-title = Processer
staff-definitions-none = Inga modeller är driftsatta ännu.
staff-definitions-caption = Driftsatta versioner
staff-deploy-heading = Driftsätt en modell
staff-deploy-name = Filnamn
staff-deploy-name-hint = Till exempel ansokan.bpmn eller beslut.dmn
staff-deploy-xml = Modellens XML
staff-deploy-xml-hint = Klistra in innehållet i en BPMN- eller DMN-fil.
staff-deploy-button = Driftsätt
staff-deploy-missing-name = Ange ett filnamn, till exempel ansokan.bpmn
staff-deploy-missing-xml = Klistra in modellens XML
# $detail: the engine's description of one problem.
staff-deploy-model-error = Fel i modellen: { $detail }
# Under the XML when the model has problems; the summary lists them.
staff-deploy-invalid = Modellen kan inte driftsättas. Rätta felen som listas överst på sidan.
staff-deploy-refused = Modellen kan inte driftsättas: { $detail }
staff-definition-title = { $name } (version { $version })
staff-definition-show-instances = Visa instanser av { $key }
staff-definition-activities = Aktiviteter
staff-definition-no-activities = Inga aktiviteter har körts i den här versionen ännu.
staff-definition-activities-caption = Aktiviteter per nod och status
staff-definition-show-xml = Visa modellens XML
staff-start-heading = Starta en instans
staff-start-business-key = Ärendenummer (valfritt)
staff-start-business-key-hint = Till exempel diarienumret, så att instansen går att hitta.
staff-start-variables-hint = Ett JSON-objekt, till exempel {"{"}"belopp": 100{"}"}.
staff-start-button = Starta
staff-start-latest-only = Nya instanser startas alltid med den senaste versionen:
staff-start-latest-version = version { $version }
staff-start-refused = Instansen kunde inte startas: { $detail }

## Instances (/instanser and /instanser/{id})
staff-instances-title = Instanser
staff-instances-filter-label = Filtrera instanser
# The state filter's options: groups of instances.
staff-instances-filter-state =
    { $code ->
        [active] Pågående
        [completed] Slutförda
        [terminated] Avslutade
        [canceled] Avbrutna
       *[all] Alla
    }
staff-instances-process-key = Processnyckel
staff-instances-none = Inga instanser matchar filtret.
staff-instances-caption = Instanser, nyast först
staff-instance-title = Instans { $key }
staff-instance-title-of = Instans av { $process }
staff-instance-called-by = Anropad av
staff-instance-cancel = Avbryt instansen
staff-instance-no-incidents = Inga incidenter.
staff-instance-variables = Variabler
staff-instance-no-variables = Inga variabler.
staff-instance-scope-instance = Instans
staff-instance-scope-token = Token { $token }
staff-instance-user-tasks = Användaruppgifter
staff-instance-no-user-tasks = Inga användaruppgifter.
staff-instance-no-jobs = Inga jobb.
staff-instance-tokens = Token
staff-instance-no-tokens = Inga aktiva token.
staff-instance-tokens-caption = Aktiva token
staff-instance-history = Historik
staff-instance-no-history = Ingen historik.
staff-instance-history-caption = Historik, i startordning

## User tasks (/uppgifter)
staff-tasks-title = Uppgifter
staff-tasks-none = Det finns inga öppna uppgifter.
staff-tasks-count = { $n } öppna uppgifter, de som förfaller först överst.
staff-tasks-due = Förfaller
staff-tasks-no-due-date = Inget datum
staff-tasks-created = Skapad
staff-tasks-assignee = Tilldelad
staff-tasks-candidate-groups = Kandidatgrupper
staff-tasks-instance = Instans
staff-tasks-node = Nod
staff-tasks-variables-hint = Ett JSON-objekt, till exempel {"{"}"beviljad": true{"}"}.
staff-tasks-your-name = Ditt namn (valfritt)
staff-tasks-complete = Slutför
staff-tasks-variables-refused = Variablerna godtogs inte: { $detail }
# In the error summary: the task's name and the message.
staff-tasks-error-summary = { $task }: { $message }

## Jobs (/jobb)
staff-jobs-title = Jobb
staff-jobs-filter-label = Filtrera jobb
staff-jobs-none = Inga jobb matchar filtret.
staff-jobs-caption-all = Alla jobb, de som förfaller först överst
staff-jobs-caption-state = Jobb med status { $state }

## Incidents (/incidenter)
staff-incidents-title = Incidenter
staff-incidents-none = Det finns inga öppna incidenter.
staff-incidents-caption = Öppna incidenter, nyast först
staff-incidents-retry = Försök igen
# Visually hidden, before the node id: "Försök igen vid <node>".
staff-incidents-retry-at = vid

## Robots (/robotar and /robotar/granskning)
staff-nav-robots = Robotar
staff-notice-maintenance-on = Underhållsläget är på. Robotarna tar inga nya jobb i målsystemet; pågående arbetsobjekt avslutas först.
staff-notice-maintenance-off = Underhållsläget är av. Robotarna tar jobb i målsystemet igen.
staff-notice-script-pinned = Skriptversionen är låst. Robotarna kör bara den versionen i målsystemet.
staff-notice-script-unpinned = Skriptversionen är inte längre låst. Robotarna kör alla versioner.
staff-notice-review-done-by-hand = Arbetsobjektet är markerat som registrerat för hand. Ärendet går vidare.
staff-notice-review-retry = Arbetsobjektet är tillbaka i robotarnas kö och prövas en gång till.
# Durations: seconds, minutes, hours and minutes, days and hours.
staff-robots-seconds = { $n } s
staff-robots-minutes = { $n } min
staff-robots-hours = { $h } tim { $m } min
staff-robots-days = { $d } d { $h } tim
staff-robots-title = Robotar
staff-robots-lead = Robotarnas köer, genomströmning, fel och målsystem, som de var när sidan laddades.
staff-robots-to-reviews =
    Granskningskön ({ $n ->
        [one] ett arbetsobjekt väntar
       *[other] { $n } arbetsobjekt väntar
    })
staff-robots-queues = Köer
staff-robots-queues-none = Det finns inga robotjobb just nu.
staff-robots-queues-caption = Robotjobb per jobbtyp
staff-robots-column-ready = Redo
staff-robots-column-in-progress = Pågår
staff-robots-column-review = Väntar på granskning
staff-robots-column-failed = Misslyckade
staff-robots-column-oldest = Äldsta väntande
staff-robots-column-done-hour = Klara senaste timmen
staff-robots-column-done-day = Klara senaste dygnet
staff-robots-nothing-waiting = Inget väntar
staff-robots-throughput = Genomströmning: { $hour } klara senaste timmen och { $day } senaste dygnet.
staff-robots-failures = Felorsaker senaste dygnet
staff-robots-failures-none = Inga fel senaste dygnet.
staff-robots-failures-caption = Fel efter slag, steg och meddelande, de vanligaste först
staff-robots-column-step = Steg
staff-robots-failure-kind =
    { $code ->
        [business] Verksamhetsfel (till granskning)
        [system] Systemfel (prövas igen)
       *[other] { $code }
    }
staff-robots-robots = Robotarna
staff-robots-robots-none = Ingen robot har rapporterat ännu.
staff-robots-robots-caption = Robotar och deras senaste signal
staff-robots-column-robot = Robot
staff-robots-column-pool = Pool
staff-robots-column-state = Tillstånd
staff-robots-column-target = Målsystem
staff-robots-column-work-item = Arbetsobjekt
staff-robots-column-heartbeat = Senaste signal
staff-robots-column-utilisation = Beläggning senaste timmen
staff-robots-column-sign-ins = Inloggningar senaste timmen
staff-robots-sign-ins-with-relogins = { $count } (varav { $relogins } efter tappad session)
staff-robots-state =
    { $code ->
        [idle] Ledig
        [working] Arbetar
        [restarting] Startar om
        [stopped] Stoppad
        [dead] Ingen signal
       *[other] { $code }
    }
# A robot whose heartbeat is older than 30 seconds.
staff-robots-dead = Ingen signal
staff-robots-ago = för { $age } sedan
staff-robots-targets = Målsystem
staff-robots-targets-none = Inga målsystem är deklarerade ännu.
staff-robots-seats = Platser i bruk
staff-robots-seats-value = { $used } av { $seats }
staff-robots-ui = UI-version
staff-robots-maintenance = Underhållsläge
staff-robots-on = På
staff-robots-off = Av
staff-robots-pinned = Låst skriptversion
staff-robots-not-pinned = Ingen – alla versioner körs
staff-robots-maintenance-turn-on = Slå på underhållsläge
staff-robots-maintenance-turn-off = Stäng av underhållsläge
# Visually hidden after a button: "Slå på underhållsläge för simifo".
staff-robots-for-target = för { $target }
staff-robots-pin-label = Lås skriptversion för { $target }
staff-robots-pin-hint = Ett positivt heltal, till exempel 3. Lämna fältet tomt för att låta robotarna köra alla versioner.
staff-robots-pin-button = Spara skriptversionen
staff-robots-pin-invalid = Ange skriptversionen som ett positivt heltal, till exempel 3, eller lämna fältet tomt
staff-robots-at-risk = Arbetsobjekt i riskzonen
staff-robots-at-risk-lead = Robotjobb som inte är klara och vars ärende ska vara beslutat inom två dygn, eller som har väntat mer än en timme.
staff-robots-at-risk-none = Inga arbetsobjekt är i riskzonen.
staff-robots-at-risk-caption = Arbetsobjekt i riskzonen, närmaste beslutsdag först
staff-robots-column-waited = Väntat
staff-robots-column-reason = Varför
staff-robots-risk-deadline = Beslut senast inom två dygn
staff-robots-risk-overdue = Beslutsdagen har passerat
staff-robots-risk-waiting = Väntat mer än en timme
staff-reviews-title = Granskningskö
staff-reviews-back = Robotar
staff-reviews-lead = Arbetsobjekt som en robot stoppade för att något inte stämde i verksamhetssystemet. Registrera uppgiften för hand i verksamhetssystemet och markera den här, eller rätta orsaken och låt roboten försöka igen.
staff-reviews-none = Inga arbetsobjekt väntar på granskning.
staff-reviews-count =
    { $n ->
        [one] Ett arbetsobjekt väntar.
       *[other] { $n } arbetsobjekt väntar, det äldsta först.
    }
# A work item without a case: its instance.
staff-reviews-instance-title = Instans { $id }
staff-reviews-waited-value = { $age } (sedan { $at })
staff-reviews-evidence = Bevis
staff-reviews-no-evidence = Inga skärmbilder sparades.
staff-reviews-screenshot-alt = Skärmbild från { $target } när roboten stoppade ({ $name }). Personnummer och namn är maskerade.
staff-reviews-screenshot-caption = { $name }, { $at }.
staff-reviews-screenshot-open = Öppna skärmbilden i full storlek
staff-reviews-done-by-hand = Registrerad för hand
staff-reviews-retry = Försök igen
# Visually hidden after each button: the case number.
staff-reviews-for = för { $what }
staff-reviews-already-resolved = Någon annan hann före: arbetsobjektet är redan hanterat av { $by } ({ $how }, { $at }). Det finns inte längre i kön.
staff-reviews-resolution =
    { $code ->
        [done_by_hand] registrerat för hand
        [retry] tillbaka till robotarna
       *[other] { $code }
    }
