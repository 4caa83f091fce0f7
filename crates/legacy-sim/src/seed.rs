//! The synthetic data an empty database starts with. Numbers are from the test whitelist
//! only; names are obviously made up. The diarienummer follow from the order here:
//!
//! | Diarienummer | Person | Note |
//! |---|---|---|
//! | IFO-2025-0001 | 198503611017 Testa Simulantsson | open, Ekonomiskt bistånd |
//! | IFO-2025-0002 | 197805833030 Skyddad Fiktivsson | open, sekretessmarkerad |
//! | IFO-2025-0003 | 199906644043 Studera Exempelsson | open |
//! | IFO-2025-0004 | 200107755050 Ung Provsson | open, household of two |
//! | IFO-2025-0005 | 198808866068 Familj Simulantsdotter | open, single parent |
//! | IFO-2025-0006 | 197010917073 Äldre Testsson | open (locked in `Config::realistic`) |
//! | IFO-2025-0007 | 201701012393 Testbarn Simulantsson | open, Barn och unga mottagning |
//! | IFO-2025-0008 | 199204722020 Pagina Testsson | open; with IFO-2024-0009…0020 (closed) 13 cases |

use crate::Error;
use crate::store::{NewCase, Person, Store, UNITS};

/// (personnummer, förnamn, efternamn, hushåll, sekretess).
const PERSONS: [(&str, &str, &str, &str, bool); 8] = [
    (
        "198503611017",
        "Testa",
        "Simulantsson",
        "Ensamhushåll",
        false,
    ),
    (
        "197805833030",
        "Skyddad",
        "Fiktivsson",
        "Ensamhushåll",
        true,
    ),
    (
        "199906644043",
        "Studera",
        "Exempelsson",
        "Ensamhushåll",
        false,
    ),
    (
        "200107755050",
        "Ung",
        "Provsson",
        "Sammanboende med Fiktiv Provsson (medsökande)",
        false,
    ),
    (
        "198808866068",
        "Familj",
        "Simulantsdotter",
        "Ensamstående med barn: Testbarn Simulantsson (20170101-2393)",
        false,
    ),
    ("197010917073", "Äldre", "Testsson", "Ensamhushåll", false),
    (
        "201701012393",
        "Testbarn",
        "Simulantsson",
        "Bor med Familj Simulantsdotter (19880886-6068)",
        false,
    ),
    ("199204722020", "Pagina", "Testsson", "Ensamhushåll", false),
];

pub(crate) async fn seed(store: &Store) -> Result<(), Error> {
    for unit in UNITS {
        store.insert_unit(unit).await?;
    }
    store.insert_user("robot1", "Robot Ett (RPA)", true).await?;
    store
        .insert_user("handlaggare1", "Hanna Handläggare (syntetisk)", false)
        .await?;
    for (i, (pnr, fornamn, efternamn, hushall, sekretess)) in PERSONS.into_iter().enumerate() {
        store
            .insert_person(&Person {
                personnummer: pnr.into(),
                fornamn: fornamn.into(),
                efternamn: efternamn.into(),
                adress: format!("Provgatan {}", i + 1),
                postnummer: "999 99".into(),
                ort: "Simstad".into(),
                hushall: hushall.into(),
                sekretess,
            })
            .await?;
    }
    for (i, (pnr, ..)) in PERSONS.into_iter().enumerate() {
        let child = pnr == "201701012393";
        let case = NewCase {
            unit: if child { UNITS[1] } else { UNITS[0] }.into(),
            arendetyp: if child {
                "Barn och unga"
            } else {
                "Ekonomiskt bistånd"
            }
            .into(),
            status: "Öppet".into(),
            inkom: format!("2025-{:02}-{:02} 09:{:02}", i % 9 + 1, i + 3, i * 7 % 60),
            beskrivning: if child {
                "Orosanmälan från skola".into()
            } else {
                "Ansökan om försörjningsstöd".into()
            },
        };
        store.insert_case(pnr, &case).await?;
    }
    // One person with more than a page (10 rows) of cases: a year of closed months.
    for month in 1..=12 {
        let case = NewCase {
            unit: UNITS[0].into(),
            arendetyp: "Ekonomiskt bistånd".into(),
            status: "Avslutat".into(),
            inkom: format!("2024-{month:02}-05 10:15"),
            beskrivning: format!("Ansökan om försörjningsstöd, månad {month}"),
        };
        store.insert_case("199204722020", &case).await?;
    }
    Ok(())
}
