//! How each term of a text was written, as evidence of which words are names.
//!
//! A word capitalised in the middle of a sentence is most likely a name (`Моор`,
//! `Bashkiria`), one in lower case is not; the first word of a sentence, and every
//! word of a headline in Title Case (`Biden Moves To Extend Key Parts`), say
//! nothing. The clustering counts this over all the stories it is given and calls a
//! term a name where capitalised uses outnumber lower-case ones, so that the first
//! word of `Омичи обсудили благоустройство парка` is no name (the ledes write
//! `омичи`) while `Кудрин: …` is (`Алексей Кудрин`), without a list of names.

/// How a term was written where it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// First word of a sentence, a number, or a word of a Title Case headline.
    Unknown,
    /// Capitalised inside a sentence, or an acronym (`ВОЗ`, `NATO`).
    Capital,
    /// In lower case.
    Lower,
    /// Capitalised as the first word of a sentence (`Моор ввел режим`): a name
    /// only if the word is never seen otherwise.
    Initial,
}

/// The cases of one text's terms, in order, and what tells Title Case apart.
#[derive(Debug, Default)]
pub(super) struct Cases {
    pub list: Vec<Case>,
    /// Words inside sentences, and how many of them are capitalised.
    inside: u32,
    capitalised: u32,
}

/// How a word looked, for its [`Case`].
#[derive(Clone, Copy)]
pub(super) struct Looks {
    /// It has letters (not a number).
    pub letters: bool,
    /// Its first letter is upper-case.
    pub capital: bool,
    /// Two letters or more, none lower-case.
    pub acronym: bool,
    /// It starts a sentence (the text, or after `.`, `!`, `?`, `:` or `…`).
    pub starts: bool,
    /// In lower case, it is a Russian adjective made from a name (`минскими`,
    /// `воронежских`), which the stemmer folds into the name itself: no evidence
    /// that the name is not one.
    pub derived: bool,
}

impl Cases {
    pub fn clear(&mut self) {
        self.list.clear();
        self.inside = 0;
        self.capitalised = 0;
    }

    pub fn push(&mut self, looks: Looks) {
        let case = if !looks.letters {
            Case::Unknown
        } else if looks.acronym {
            Case::Capital
        } else if looks.starts {
            if looks.capital {
                Case::Initial
            } else {
                Case::Unknown
            }
        } else if looks.derived && !looks.capital {
            Case::Unknown
        } else {
            self.inside += 1;
            if looks.capital {
                self.capitalised += 1;
                Case::Capital
            } else {
                Case::Lower
            }
        };
        self.list.push(case);
    }

    /// Once the text is read: in Title Case (most words inside sentences
    /// capitalised), a capital says nothing.
    pub fn finish(&mut self) {
        if self.inside >= 2 && self.capitalised * 2 > self.inside {
            for case in &mut self.list {
                if *case == Case::Capital {
                    *case = Case::Unknown;
                }
            }
        }
    }
}

/// Whether a lower-cased word is a Russian adjective of the kind made from names
/// (`-ский`, `-цкий` and their forms: `минскими`, `воронежских`).
pub(super) fn is_name_adjective(word: &[u8]) -> bool {
    const ENDINGS: [&str; 12] = [
        "ий", "ая", "ое", "ие", "ого", "ой", "ом", "их", "им", "ими", "ую", "ому",
    ];
    const K: [u8; 2] = [0xD0, 0xBA]; // к
    const S: [u8; 2] = [0xD1, 0x81]; // с
    const TS: [u8; 2] = [0xD1, 0x86]; // ц
    // This runs for every word: first its last byte (an ASCII word has no
    // Russian ending), then the two bytes before a two- or three-letter ending,
    // which are `к` in few words.
    if word.last().is_none_or(u8::is_ascii) {
        return false;
    }
    [4, 6].into_iter().any(|ending| {
        let Some(cut) = word.len().checked_sub(ending).filter(|&cut| cut >= 4) else {
            return false;
        };
        word[cut - 2..cut] == K
            && matches!(&word[cut - 4..cut - 2], x if x == S || x == TS)
            && ENDINGS.iter().any(|e| e.as_bytes() == &word[cut..])
    })
}
