//! The synthetic people the built-in test identity provider offers (environment `test`
//! only): the SSBTEK simulator's identities, each with a made-up name, so that a tester
//! can walk the whole flow as different households. Never real people: every number is
//! whitelisted by the simulator's fixtures (checked by a test below).

use flode_security::TestPerson;

const PEOPLE: [(&str, &str, &str); 7] = [
    ("199204722020", "Alva Andersson", "Arbetslös med a-kassa"),
    ("198503611017", "Bo Berg", "Lön och sjukpenning"),
    ("199906644043", "Dana Dahl", "Studerande med studiemedel"),
    (
        "200107755050",
        "Elis Ek",
        "Arbetssökande som äger ett fordon",
    ),
    (
        "198808866068",
        "Farah Fors",
        "Arbetssökande med permanent uppehållstillstånd",
    ),
    (
        "197010917073",
        "Gustav Gran",
        "Tidsbegränsat uppehållstillstånd, a-kassa och lön",
    ),
    (
        "197805833030",
        "Hedda Holm",
        "Skyddade personuppgifter (sekretessmarkering): prövas alltid av en handläggare",
    ),
];

/// The test identity provider's people.
pub(crate) fn test_people() -> Vec<TestPerson> {
    PEOPLE
        .iter()
        .map(|(personnummer, name, description)| TestPerson {
            personnummer: (*personnummer).to_owned(),
            name: (*name).to_owned(),
            description: format!("{description}. Syntetisk testperson."),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use flode_integrations::fixtures::Fixtures;

    #[test]
    fn every_test_person_is_a_simulator_identity() {
        let fixtures = Fixtures::shipped().expect("fixtures");
        for p in super::test_people() {
            assert!(
                fixtures.allowed(&p.personnummer),
                "{} is not whitelisted",
                p.name
            );
            assert!(
                fixtures.known(&p.personnummer),
                "{} has no fixture data",
                p.name
            );
        }
    }
}
