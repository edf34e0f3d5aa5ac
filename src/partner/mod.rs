//! Trading partners: their profiles (`partners/<id>.toml`: identity, envelope, acknowledgements,
//! transport, commercial terms) read and checked, and the directory that finds the partner an
//! interchange comes from, and what we send them (`outbound`: the envelope towards a partner
//! and its outbound rules). Pure: the caller reads the files and says which paths exist.

pub mod compliance;
pub mod consistency;
pub mod outbound;
pub mod profile;
pub mod rules;

pub use profile::{Identity, Profile, ProfileError, RawProfile, Secret, read};

use crate::x12::PartyId;

/// Every partner profile, checked together.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub profiles: Vec<Profile>,
}

impl Directory {
    /// Reads every `(file, text)`; a profile with problems is left out and its problems
    /// returned, as are problems between profiles (two claiming the same ISA id, which would
    /// make the partner of an interchange ambiguous).
    pub fn read(
        files: &[(String, String)],
        exists: &dyn Fn(&str) -> bool,
    ) -> (Directory, Vec<ProfileError>) {
        let mut directory = Directory::default();
        let mut errors = Vec::new();
        let mut read_from: Vec<&str> = Vec::new();
        for (file, text) in files {
            match read(file, text, exists) {
                Ok(profile) => {
                    for (other, earlier) in directory.profiles.iter().zip(&read_from) {
                        if other.id == profile.id {
                            errors.push(ProfileError {
                                file: file.clone(),
                                line: None,
                                key: "id".into(),
                                message: format!("'{}' is also the id in {earlier}", profile.id),
                            });
                        }
                        for (mine, theirs) in pairs(&profile.partner, &other.partner) {
                            if same(mine, theirs)
                                && profile.us.isa_for(false).id == other.us.isa_for(false).id
                            {
                                errors.push(ProfileError {
                                    file: file.clone(),
                                    line: None,
                                    key: "partner.isa".into(),
                                    message: format!(
                                        "{}:{} is also partner '{}' ({earlier}) towards the same \
                                         us; an interchange from it could not be told apart",
                                        mine.qualifier, mine.id, other.id
                                    ),
                                });
                            }
                        }
                    }
                    read_from.push(file);
                    directory.profiles.push(profile);
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        (directory, errors)
    }

    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// The partner an interchange from `sender` to `receiver` (its ISA06 and ISA08) comes
    /// from: the profile whose partner is the sender and whose `us` is the receiver, in
    /// either environment.
    pub fn sender_of(&self, sender: &PartyId, receiver: &PartyId) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.partner.is(sender) && p.us.is(receiver))
    }
}

/// Each of `a`'s ISA ids with each of `b`'s.
fn pairs<'a>(a: &'a Identity, b: &'a Identity) -> Vec<(&'a PartyId, &'a PartyId)> {
    let ids = |i: &'a Identity| std::iter::once(&i.isa).chain(i.test_isa.as_ref());
    ids(a).flat_map(|x| ids(b).map(move |y| (x, y))).collect()
}

fn same(a: &PartyId, b: &PartyId) -> bool {
    a.qualifier == b.qualifier && a.id == b.id
}

#[cfg(test)]
mod tests;
