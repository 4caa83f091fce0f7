//! Staff roles. A person may hold several; a service token holds the least it needs.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// One role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Handles cases: reads, starts processes, completes user tasks.
    Socialsekreterare,
    /// Also cancels instances and resolves incidents.
    ForsteSocialsekreterare,
    /// Deploys models and manages accounts and API tokens.
    Admin,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 3] = [
        Role::Socialsekreterare,
        Role::ForsteSocialsekreterare,
        Role::Admin,
    ];

    /// The stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Socialsekreterare => "socialsekreterare",
            Role::ForsteSocialsekreterare => "forste_socialsekreterare",
            Role::Admin => "admin",
        }
    }

    /// The Swedish label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Socialsekreterare => "Socialsekreterare",
            Role::ForsteSocialsekreterare => "Förste socialsekreterare",
            Role::Admin => "Administratör",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Role::Socialsekreterare => 1,
            Role::ForsteSocialsekreterare => 2,
            Role::Admin => 4,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown role {s:?}: use {}",
                    Role::ALL.map(Role::as_str).join(", ")
                ))
            })
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    /// No role.
    pub const NONE: Roles = Roles(0);

    /// A set of the given roles.
    pub fn of(roles: &[Role]) -> Self {
        Self(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }

    /// Parses stored or typed names; an unknown name is an error.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, Error> {
        let roles = names
            .iter()
            .map(|n| n.as_ref().parse())
            .collect::<Result<Vec<Role>, Error>>()?;
        Ok(Self::of(&roles))
    }

    /// Does the set hold this role?
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Does the set hold at least one of these roles?
    pub fn any_of(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }

    /// Is the set empty?
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// The stored names.
    pub fn names(self) -> Vec<String> {
        self.iter().map(|r| r.as_str().to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_sets() {
        let r = Roles::parse(&["admin", "socialsekreterare", "admin"]).expect("roles");
        assert!(r.contains(Role::Admin) && r.contains(Role::Socialsekreterare));
        assert!(!r.contains(Role::ForsteSocialsekreterare));
        assert_eq!(r.names(), ["socialsekreterare", "admin"]);
        assert!(r.any_of(&[Role::ForsteSocialsekreterare, Role::Admin]));
        assert!(Roles::parse(&["chef"]).is_err());
        assert!(Roles::NONE.is_empty());
    }
}
