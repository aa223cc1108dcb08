//! English stemming with a per-analyzer cache: the Snowball stemmer was a
//! quarter of a full rebuild's time, and prose repeats the same few thousand
//! words, so each distinct word is stemmed once per segment writer.

use std::collections::HashMap;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Distinct words remembered before the cache starts over (bounds memory).
const MAX_ENTRIES: usize = 100_000;

/// A `TokenFilter` giving the same stems as Tantivy's English `Stemmer`.
#[derive(Clone, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemFilter<T> {
        CachedStemFilter {
            inner: tokenizer,
            cache: HashMap::new(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemFilter<T> {
    inner: T,
    cache: HashMap<String, String>,
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedStemFilter<T> {
    type TokenStream<'a> = CachedStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
            stemmer: &mut self.stemmer,
        }
    }
}

pub struct CachedStemStream<'a, S> {
    tail: S,
    cache: &'a mut HashMap<String, String>,
    stemmer: &'a mut TextAnalyzer,
}

impl<S: TokenStream> TokenStream for CachedStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = {
            let mut ts = self.stemmer.token_stream(&token.text);
            if ts.advance() {
                ts.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        if self.cache.len() >= MAX_ENTRIES {
            self.cache.clear();
        }
        self.cache
            .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
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
    ONE.with(|c| {
        let (analyzer, cache) = &mut *c.borrow_mut();
        if let Some(s) = cache.get(word) {
            return s.clone();
        }
        let stem = {
            let mut ts = analyzer.token_stream(word);
            if ts.advance() {
                ts.token().text.clone()
            } else {
                word.to_string()
            }
        };
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(word.to_string(), stem.clone());
        stem
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
