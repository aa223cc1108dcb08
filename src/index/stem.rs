//! English stemming with a cache: the Snowball stemmer was a quarter of a
//! full rebuild's time, and prose repeats the same few thousand words, so
//! each distinct word is stemmed once per thread. One cache for the search
//! index and the site's browser index, so both stem alike.

use std::collections::HashMap;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Distinct words remembered before the cache starts over (bounds memory).
const MAX_ENTRIES: usize = 100_000;

/// A `TokenFilter` giving the same stems as Tantivy's English `Stemmer`,
/// through `stem_word`'s cache (one per thread, as segment writers are).
#[derive(Clone, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemFilter<T> {
        CachedStemFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CachedStemFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemFilter<T> {
    type TokenStream<'a> = CachedStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct CachedStemStream<S> {
    tail: S,
}

impl<S: TokenStream> TokenStream for CachedStemStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

thread_local! {
    static ONE: std::cell::RefCell<(TextAnalyzer, HashMap<String, String>)> =
        std::cell::RefCell::new((
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            HashMap::new(),
        ));
}

/// The English stem of one lowercase word, as the search index stems it:
/// the site's browser index is keyed by the same stems, so `failovers` finds
/// what `failover` finds in the CLI and on the site alike.
pub fn stem_word(word: &str) -> String {
    let mut text = word.to_string();
    stem_in_place(&mut text);
    text
}

/// Replaces `text` with its stem, reusing its buffer when the stem is
/// cached (the search index's hot path).
pub fn stem_in_place(text: &mut String) {
    ONE.with(|c| {
        let (analyzer, cache) = &mut *c.borrow_mut();
        if let Some(stem) = cache.get(text.as_str()) {
            text.clear();
            text.push_str(stem);
            return;
        }
        let stem = {
            let mut ts = analyzer.token_stream(text);
            if ts.advance() {
                ts.token().text.clone()
            } else {
                text.clone()
            }
        };
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(std::mem::replace(text, stem.clone()), stem);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    #[test]
    fn cached_stems_equal_tantivys_even_when_repeated() {
        let text = "Failovers failover FAILED failing replicas replica lagging lag failovers";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let want = super::super::schema::tokens(&mut plain, text);
        assert_eq!(super::super::schema::tokens(&mut cached, text), want);
        assert_eq!(super::super::schema::tokens(&mut cached, text), want);
        assert_eq!(want[0], "failov");
        assert_eq!(stem_word("failovers"), "failov");
        assert_eq!(stem_word("certificates"), stem_word("certificate"));
    }
}
