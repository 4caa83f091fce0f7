*** Settings ***
Documentation       The peer of flode's robots in bench/robots.sh: registers the payment of a
...                 försörjningsstöd decision in SimIFO v1 (Procapita-like) with Robot Framework
...                 and SeleniumLibrary, the same work as robots/simifo/v1/register_payment.toml:
...                 sign in, choose the unit, the frameset, search the person, check for a
...                 payment with the reference before writing, open the open case of
...                 ekonomiskt bistånd, fill in and save the payment, confirm it, read the
...                 diarienummer from the person's payment list, and a screenshot as proof.
...
...                 Data-driven (DataDriver) over ${ITEMS}, a CSV with the columns
...                 ${personnummer};${manad};${arendeId};${belopp}. One browser per `robot`
...                 process, kept between items, and so is its session, as flode's SimIFO
...                 scripts do (`session = "keep"`): every item opens the frameset and
...                 signs in only when the login page shows instead (the first item, or
...                 after SimIFO ended the session).
...
...                 robot --variable SIMIFO:http://127.0.0.1:8090 --variable ITEMS:items.csv
...                 bench/robotframework/register_payment.robot

Library             SeleniumLibrary    timeout=40s    implicit_wait=0s    run_on_failure=Capture Page Screenshot
Library             DataDriver    file=${ITEMS}    encoding=utf-8    dialect=Excel-EU

Suite Setup         Open Headless Chromium
Suite Teardown      Close All Browsers
Test Setup          Open Procapita
Test Template       Register Payment


*** Variables ***
${SIMIFO}               http://127.0.0.1:8090
${ITEMS}                items.csv
${USERNAME}             robot1
${PASSWORD}             robot1-losen
${CHROMIUM}             /usr/bin/chromium
${CHROMEDRIVER}         /usr/bin/chromedriver
${OPEN_CASE_ROW}        xpath://table[@id='arendetabell']//tr[td[2][normalize-space()='Ekonomiskt bistånd'] and td[4][normalize-space()='Öppet']]
${NEXT_PAGE}            xpath://div[@class='sidor']/a[contains(., 'Nästa')]


*** Test Cases ***
Registrera utbetalning    000000000000    2000-01    UNDEFINED    0


*** Keywords ***
Open Headless Chromium
    [Documentation]    The Debian Chromium and chromedriver, named explicitly: Selenium Manager
    ...    finds nothing to download. The same switches as flode's robots.
    ${options}=    Catenate    SEPARATOR=;
    ...    binary_location="${CHROMIUM}"
    ...    add_argument("--headless")
    ...    add_argument("--no-sandbox")
    ...    add_argument("--disable-gpu")
    ...    add_argument("--disable-dev-shm-usage")
    ...    add_argument("--disable-background-networking")
    ...    add_argument("--disable-component-update")
    ...    add_argument("--disable-sync")
    ...    add_argument("--no-first-run")
    ...    add_argument("--no-default-browser-check")
    ...    add_argument("--disable-extensions")
    ...    add_argument("--force-device-scale-factor=1")
    ...    add_argument("--lang=sv-SE")
    ...    add_argument("--window-size=1280,900")
    Open Browser    about:blank    chrome    options=${options}
    ...    service=executable_path="${CHROMEDRIVER}"

Open Procapita
    [Documentation]    The frameset, signed in: SimIFO redirects to its login page when there
    ...    is no session, and then the robot signs in.
    Go To    ${SIMIFO}/procapita/main.do
    ${signed_out}=    Run Keyword And Return Status    Page Should Contain Element    id:loginForm
    IF    ${signed_out}    Sign In To Procapita

Sign In To Procapita
    Go To    ${SIMIFO}/procapita/login.do
    Wait Until Element Is Visible    id:j_username
    Input Text    id:j_username    ${USERNAME}
    Input Password    id:j_password    ${PASSWORD}
    Click Button    id:btnLogin
    Wait Until Element Is Visible    id:enhet
    Select From List By Label    id:enhet    Ekonomiskt bistånd
    Click Button    id:btnValjEnhet
    Wait Until Page Contains Element    id:innehall

Register Payment
    [Arguments]    ${personnummer}    ${manad}    ${arendeId}    ${belopp}
    Open Personakt    ${personnummer}
    ${registered}=    Payment Is Registered    ${arendeId}
    IF    ${registered}
        Pass Execution    Utbetalningen med referens ${arendeId} är redan registrerad
    END
    ${diarienummer}=    Open The Open Case
    Save Payment    ${manad}    ${belopp}    ${arendeId}
    ${registered_on}=    Case Of Registered Payment    ${arendeId}
    Should Be Equal    ${registered_on}    ${diarienummer}
    Capture Page Screenshot
    Set Test Message    ${registered_on}

Open Personakt
    [Arguments]    ${personnummer}
    ${pnr10}=    Set Variable    ${personnummer}[2:8]-${personnummer}[8:]
    Unselect Frame
    Select Frame    id:meny
    Wait Until Element Is Visible    id:menyPersonsok
    Click Link    id:menyPersonsok
    Unselect Frame
    Select Frame    id:innehall
    Wait Until Element Is Visible    id:pnr
    Input Text    id:pnr    ${pnr10}
    Click Button    id:btnSok
    Wait Until Page Contains Element    css:#sokresultat, #ingenTraff, #felmeddelande
    Page Should Contain Element    id:sokresultat
    ...    message=Personen ${pnr10} finns inte i Procapita: ingen utbetalning registrerades
    Click Link    xpath://table[@id='sokresultat']//tr[td[1][normalize-space()='${pnr10}']]//a
    Wait Until Element Is Visible    id:personaktRubrik

Payment Is Registered
    [Arguments]    ${arendeId}
    Click Link    id:flik_utbetalningar
    Wait Until Element Is Visible    id:utbetalningstabell
    ${count}=    Get Element Count
    ...    xpath://table[@id='utbetalningstabell']//td[normalize-space()='${arendeId}']
    RETURN    ${{ $count > 0 }}

Open The Open Case
    [Documentation]    Ten cases a page, oldest first: the open one may be on a later page.
    Click Link    id:flik_arenden
    Wait Until Element Is Visible    id:arendetabell
    ${page}=    Set Variable    ${1}
    ${open}=    Get Element Count    ${OPEN_CASE_ROW}
    WHILE    ${open} == 0    limit=50
        Page Should Contain Element    ${NEXT_PAGE}
        ...    message=Personen har inget öppet ärende om ekonomiskt bistånd i Procapita
        Click Link    ${NEXT_PAGE}
        ${page}=    Evaluate    ${page} + 1
        Wait Until Element Contains    css:div.sidor    Sida ${page} av
        ${open}=    Get Element Count    ${OPEN_CASE_ROW}
    END
    ${diarienummer}=    Get Text    ${OPEN_CASE_ROW}/td[1]
    Click Link    ${OPEN_CASE_ROW}//a[normalize-space()='Öppna']
    Wait Until Element Is Visible    xpath://h3[@id='arendeRubrik'][contains(., '${diarienummer}')]
    Page Should Not Contain Element    id:lasmeddelande
    ...    message=Ärende ${diarienummer} är låst av en annan användare
    RETURN    ${diarienummer}

Save Payment
    [Arguments]    ${manad}    ${belopp}    ${arendeId}
    ${utbetalningsdatum}=    Set Variable    ${manad}[2:4]${manad}[5:7]01
    Click Link    id:lnkNyUtbetalning
    Wait Until Element Is Visible    id:btnSpara
    Select From List By Label    id:utbetalningssatt    Konto
    Input Text    id:utbDatum    ${utbetalningsdatum}
    Input Text    id:period    ${manad}
    Input Text    id:belopp    ${belopp}
    Input Text    id:referens    ${arendeId}
    Click Button    id:btnSpara
    Wait Until Page Contains Element    css:#meddelande, #dubblettvarning, #felmeddelande
    Page Should Not Contain Element    id:dubblettvarning
    ...    message=Dubblettvarning för ${manad}: ingenting sparades
    Page Should Not Contain Element    id:felmeddelande
    ...    message=Procapita sparade inte utbetalningen
    Element Should Contain    id:meddelande    Utbetalningen har registrerats

Case Of Registered Payment
    [Arguments]    ${arendeId}
    Click Link    xpath://h3[@id='arendeRubrik']/following::a[contains(@href, 'personakt.do')][1]
    Wait Until Element Is Visible    id:personaktRubrik
    Click Link    id:flik_utbetalningar
    ${cell}=    Set Variable
    ...    xpath://table[@id='utbetalningstabell']//tr[td[normalize-space()='${arendeId}']]/td[1]
    Wait Until Element Is Visible    ${cell}
    ${diarienummer}=    Get Text    ${cell}
    RETURN    ${diarienummer}
