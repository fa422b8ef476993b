//! A small bilingual lexicon (English ↔ Russian) of the words news reports are made
//! of, and small numbers written as words, so that reports of one event in the two
//! languages share keys beyond names and digits: `First snow brings nine-point
//! traffic jams` and `Первый снег … пробки достигли 9 баллов` share `snow`, `first`,
//! `traffic jam` and `9`.
//!
//! Only general vocabulary (weather, schools, science, money, war, sport…), never a
//! name: names meet through transliteration (`latin`). Each line is one concept:
//! its English words, then its Russian words; every word is stemmed as the tokenizer
//! stems it, so any form of it finds the concept. A concept is a key like a name or
//! a number, used only to link groups across scripts (`cluster::crossing`).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::{CONCEPT_BIT, hash, stem};

/// One concept per line: `english words | russian words`.
const CONCEPTS: &str = "
snow snowfall | снег снегопад
first | первый первая первое
traffic jam jams | пробка пробки движение
school schools | школа школы школьник
remote distance | дистанционный удаленный
learning lessons classes | обучение уроки занятия
cold frost freezing | мороз морозы холод
northern north | северный север
region regions regional | регион регионы области
earthquake quake | землетрясение
magnitude | магнитуда
tsunami | цунами
coast coastal | побережье берег
university | университет вуз
scientists researchers | ученые исследователи
heart | сердце сердечный
muscle | мышца мышечный
tissue | ткань
stem | стволовый
cells cell | клетки клетка
grow grows grew | вырастили вырастить
budget | бюджет
reading | чтение
election elections vote | выборы голосование
parliament | парламент
majority | большинство
party | партия
central | центральный
bank | банк
rate | ставка
key | ключевой
inflation | инфляция
prisoner prisoners | пленные пленный заключенные
exchange swap | обмен
talks negotiations | переговоры
rocket | ракета
satellite | спутник метеоспутник
orbit | орбита
launch launches | запуск
navy naval | флот военно-морской
corvettes corvette | корветы корвет
exercise drills | учения
museum | музей
restoration | реставрация
film | фильм кинофестиваль
festival | фестиваль
opera | опера оперный
theatre theater | театр
match | матч
overtime | овертайм
relay | эстафета
biathlon biathletes | биатлон биатлонисты
season | сезон
hockey | хоккей
football | футбол
cup | кубок
semi-finals | полуфинал
visit | визит посетит
minister | министр
president | президент
government | правительство
court | суд
police | полиция
fire | пожар
flood floods | наводнение паводок
storm | шторм буря
power electricity | электричество электроэнергия
outage blackout | отключение блэкаут
trains train | поезда поезд
metro subway | метро
stations station | станции станция
deal contract | сделка контракт
profit | прибыль
shares | акции
index | индекс
record | рекорд рекордный
exports export | экспорт
grain | зерно
coldest | холодный
day | день сутки
year years | год лет
week | неделя
month months | месяц
killed dead | погибли погиб
injured wounded | ранены пострадали
";

/// Small numbers written as words, lower-cased, with the digits they stand for.
const NUMBER_WORDS: &[(&str, &str)] = &[
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("twenty", "20"),
    ("два", "2"),
    ("две", "2"),
    ("двух", "2"),
    ("двое", "2"),
    ("три", "3"),
    ("трех", "3"),
    ("трое", "3"),
    ("четыре", "4"),
    ("четырех", "4"),
    ("четверо", "4"),
    ("пять", "5"),
    ("пяти", "5"),
    ("пятеро", "5"),
    ("шесть", "6"),
    ("шести", "6"),
    ("семь", "7"),
    ("семи", "7"),
    ("восемь", "8"),
    ("восьми", "8"),
    ("девять", "9"),
    ("девяти", "9"),
    ("десять", "10"),
    ("десяти", "10"),
    ("двенадцать", "12"),
    ("двадцать", "20"),
];

/// The digits of a small number written as a (lower-cased) word.
pub fn number_word(word: &[u8]) -> Option<&'static str> {
    // Most words start with another letter: skip the list for them (this runs for
    // every word of every story).
    let first = *word.first()?;
    if word.len() > 20 || (first.is_ascii() && !matches!(first, b't' | b'f' | b's' | b'e' | b'n')) {
        return None;
    }
    // Only the words of the same script, and their length and first byte before
    // their bytes: most words are compared with none.
    let (english, russian) = NUMBER_WORDS.split_at(ENGLISH_NUMBER_WORDS);
    let same_script = if first.is_ascii() { english } else { russian };
    same_script
        .iter()
        .find(|(w, _)| w.len() == word.len() && w.as_bytes()[0] == first && w.as_bytes() == word)
        .map(|&(_, digits)| digits)
}

/// The English words at the head of [`NUMBER_WORDS`] (all ASCII; the rest none).
const ENGLISH_NUMBER_WORDS: usize = 12;

/// Marks concept keys apart from name and number keys.
const CONCEPT_KEY: u64 = 0x5851_f42d_4c95_7f2d;

/// The concept key of a stemmed term's hash, if the lexicon has the word.
pub fn concept(term: u64) -> Option<u64> {
    concepts().get(&term).copied()
}

/// Concepts by the hash of a stemmed term: the terms are already good hashes, so the
/// map's own hasher is one multiply (this is looked up for every word).
fn concepts() -> &'static FxHashMap<u64, u64> {
    static CONCEPTS_BY_TERM: OnceLock<FxHashMap<u64, u64>> = OnceLock::new();
    CONCEPTS_BY_TERM.get_or_init(|| {
        let mut map = FxHashMap::default();
        for line in CONCEPTS.lines().filter(|l| l.contains('|')) {
            let key = (hash(line.as_bytes()) ^ CONCEPT_KEY) | CONCEPT_BIT;
            for word in line.split_whitespace().filter(|w| *w != "|") {
                for part in word.split('-') {
                    let mut bytes = part.as_bytes().to_vec();
                    stem(&mut bytes);
                    map.entry(hash(&bytes)).or_insert(key);
                }
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept_of(word: &str) -> Option<u64> {
        let mut bytes = word.to_lowercase().replace('ё', "е").into_bytes();
        stem(&mut bytes);
        concept(hash(&bytes))
    }

    #[test]
    fn forms_in_both_languages_meet() {
        assert!(concept_of("snow").is_some());
        assert_eq!(concept_of("snow"), concept_of("снег"));
        assert_eq!(concept_of("Schools"), concept_of("Школы"));
        assert_eq!(concept_of("earthquake"), concept_of("землетрясение"));
        assert_ne!(concept_of("snow"), concept_of("школы"));
        assert_eq!(concept_of("Velgrad"), None);
    }

    #[test]
    fn number_words() {
        assert_eq!(number_word(b"nine"), Some("9"));
        assert_eq!(number_word("трех".as_bytes()), Some("3"));
        assert_eq!(number_word(b"nineteen"), None);
    }

    #[test]
    fn number_words_are_found_as_by_the_whole_list() {
        let (english, russian) = NUMBER_WORDS.split_at(ENGLISH_NUMBER_WORDS);
        assert!(english.iter().all(|(w, _)| w.is_ascii()));
        assert!(russian.iter().all(|(w, _)| !w.as_bytes()[0].is_ascii()));
        let old = |word: &[u8]| {
            (NUMBER_WORDS.iter())
                .find(|(w, _)| w.as_bytes() == word)
                .map(|&(_, digits)| digits)
        };
        let mut rng = fastrand::Rng::with_seed(12);
        let pieces = [
            "t", "e", "n", "s", "w", "o", "д", "в", "а", "т", "р", "и", "х",
        ];
        let mut words: Vec<Vec<u8>> = (NUMBER_WORDS.iter())
            .flat_map(|(w, _)| {
                let w = w.as_bytes();
                [w.to_vec(), w[..w.len() - 1].to_vec(), [w, b"s"].concat()]
            })
            .collect();
        words.extend((0..20_000).map(|_| {
            (0..rng.usize(1..8))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect::<String>()
                .into_bytes()
        }));
        for word in &words {
            assert_eq!(
                number_word(word),
                old(word),
                "{:?}",
                String::from_utf8_lossy(word)
            );
        }
    }
}
