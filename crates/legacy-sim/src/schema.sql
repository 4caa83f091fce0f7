-- SimIFO's own database. Times and dates are ISO text, amounts whole öre.
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    is_robot INTEGER NOT NULL,
    -- The day (ÅÅÅÅ-MM-DD, UTC) the user last logged in: the v2 news modal shows once a day.
    last_login_day TEXT
);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS persons (
    id INTEGER PRIMARY KEY,
    personnummer TEXT NOT NULL UNIQUE,
    fornamn TEXT NOT NULL,
    efternamn TEXT NOT NULL,
    adress TEXT NOT NULL,
    postnummer TEXT NOT NULL,
    ort TEXT NOT NULL,
    hushall TEXT NOT NULL,
    sekretess INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    diarienummer TEXT NOT NULL UNIQUE,
    arendetyp TEXT NOT NULL,
    status TEXT NOT NULL,
    inkom TEXT NOT NULL,
    beskrivning TEXT NOT NULL,
    locked_by TEXT
);
CREATE TABLE IF NOT EXISTS aktualiseringar (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    typ TEXT NOT NULL,
    inkom_datum TEXT NOT NULL,
    inkom_tid TEXT NOT NULL,
    fran TEXT NOT NULL,
    beskrivning TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    beslutstyp TEXT NOT NULL,
    lagrum TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_tom TEXT NOT NULL,
    belopp_ore INTEGER NOT NULL,
    motivering TEXT NOT NULL,
    beslutsfattare TEXT NOT NULL,
    beslutsunderlag TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    mottagare TEXT NOT NULL,
    satt TEXT NOT NULL,
    datum TEXT NOT NULL,
    period TEXT NOT NULL,
    belopp_ore INTEGER NOT NULL,
    referens TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journal_notes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    datum TEXT NOT NULL,
    rubrik TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    signed_at TEXT,
    created_at TEXT NOT NULL
);
