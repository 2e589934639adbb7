import nlp from 'compromise';
import natural from 'natural';
import { detectAll } from 'tinyld';
import { ANALYSES, SUPPORTED_LANGUAGES, type Analysis, type SupportedLanguage } from '@libs/core/contracts';
// stopwords-iso is plain JSON keyed by ISO 639-1 code.

const STOPWORDS: Record<SupportedLanguage, string[]> = require('stopwords-iso');

export interface TextAnalysis {
  language?: { code: SupportedLanguage; confidence: number; detected: boolean };
  sentiment?: { score: number; label: 'positive' | 'negative' | 'neutral' };
  keywords?: { term: string; count: number; score: number }[];
  entities?: { text: string; type: 'person' | 'place' | 'organization' }[];
  statistics?: { sentences: number; tokens: number; characters: number };
}

/** Language-specific engines: natural's AFINN sentiment, stemmer and tokenizer; stopwords-iso's stop words. */
interface LanguageEngine {
  tokenize(text: string): string[];
  stem(token: string): string;
  sentiment: natural.SentimentAnalyzer;
  stopwords: Set<string>;
  sentences: Intl.Segmenter;
  entities(text: string): TextAnalysis['entities'];
}

/**
 * es-compromise ships its types as .ts sources that do not compile under strict mode, so it is
 * loaded untyped, with the one call used here described.
 */
type SpanishDocument = { match(pattern: string): { out(format: 'array'): string[] } };

const esNlp: (text: string) => SpanishDocument = require('es-compromise');

type EntityType = NonNullable<TextAnalysis['entities']>[number]['type'];

const entitiesOf = (found: Record<EntityType, string[]>): NonNullable<TextAnalysis['entities']> =>
  (Object.entries(found) as [EntityType, string[]][]).flatMap(([type, texts]) =>
    // The taggers keep the punctuation that ends a sentence on its last term ("Madrid.").
    texts.map((text) => ({ text: text.replace(/[\s.,;:!?¡¿]+$/u, ''), type })),
  );

// Tokenizers and segmenters hold no state between texts: one of each per language serves all calls.
const englishTokenizer = new natural.WordTokenizer();
const spanishTokenizer = new natural.AggressiveTokenizerEs();

const ENGINES: Record<SupportedLanguage, LanguageEngine> = {
  en: {
    tokenize: (text) => englishTokenizer.tokenize(text.toLowerCase()),
    stem: (token) => natural.PorterStemmer.stem(token),
    sentiment: new natural.SentimentAnalyzer('English', natural.PorterStemmer, 'afinn'),
    stopwords: new Set(STOPWORDS.en),
    sentences: new Intl.Segmenter('en', { granularity: 'sentence' }),
    entities: (text) => {
      const doc = nlp(text);
      return entitiesOf({
        person: doc.people().out('array'),
        place: doc.places().out('array'),
        organization: doc.organizations().out('array'),
      });
    },
  },
  es: {
    tokenize: (text) => spanishTokenizer.tokenize(text.toLowerCase()),
    stem: (token) => natural.PorterStemmerEs.stem(token),
    sentiment: new natural.SentimentAnalyzer('Spanish', natural.PorterStemmerEs, 'afinn'),
    stopwords: new Set(STOPWORDS.es),
    sentences: new Intl.Segmenter('es', { granularity: 'sentence' }),
    entities: (text) => {
      const doc = esNlp(text);
      return entitiesOf({
        person: doc.match('#Person+').out('array'),
        place: doc.match('#Place+').out('array'),
        organization: doc.match('#Organization+').out('array'),
      });
    },
  },
};

/** AFINN scores per token are small; a mean beyond ±0.05 is a clear leaning. */
const NEUTRAL_BAND = 0.05;
const KEYWORD_LIMIT = 10;

/**
 * Analyses a text with real NLP engines from npm that need nothing downloaded at run time:
 * tinyld (language), natural (AFINN sentiment, tokenizers, stemmers), stopwords-iso, compromise
 * and es-compromise (named entities), and the ICU segmenter built into Node (sentences).
 */
export class TextAnalyzer {
  analyze(text: string, options: { language?: SupportedLanguage; analyses?: Analysis[] } = {}): TextAnalysis {
    const wanted = new Set<Analysis>(options.analyses?.length ? options.analyses : ANALYSES);
    const language = options.language
      ? { code: options.language, confidence: 1, detected: false }
      : this.detectLanguage(text);
    const engine = ENGINES[language.code];
    const tokens = engine.tokenize(text);
    const result: TextAnalysis = {};
    if (wanted.has('language')) result.language = language;
    if (wanted.has('sentiment')) result.sentiment = this.sentiment(engine, tokens);
    if (wanted.has('keywords')) result.keywords = this.keywords(engine, tokens);
    if (wanted.has('entities')) result.entities = engine.entities(text);
    if (wanted.has('statistics')) {
      const sentences = [...engine.sentences.segment(text)].filter((s) => s.segment.trim()).length;
      result.statistics = { sentences, tokens: tokens.length, characters: text.length };
    }
    return result;
  }

  private detectLanguage(text: string): NonNullable<TextAnalysis['language']> {
    const candidates = detectAll(text).filter((c) =>
      (SUPPORTED_LANGUAGES as readonly string[]).includes(c.lang),
    );
    const best = candidates[0];
    // Texts too short or too mixed to tell fall back to English, flagged by a zero confidence.
    if (!best) return { code: 'en', confidence: 0, detected: true };
    return { code: best.lang as SupportedLanguage, confidence: round(best.accuracy), detected: true };
  }

  private sentiment(engine: LanguageEngine, tokens: string[]): NonNullable<TextAnalysis['sentiment']> {
    const raw = tokens.length ? engine.sentiment.getSentiment(tokens) : 0;
    const score = round(Number.isFinite(raw) ? raw : 0);
    const label = score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral';
    return { score, label };
  }

  /** Most frequent content words, grouped by stem and shown in their most common surface form. */
  private keywords(engine: LanguageEngine, tokens: string[]): NonNullable<TextAnalysis['keywords']> {
    const byStem = new Map<string, { forms: Map<string, number>; count: number }>();
    for (const token of tokens) {
      if (token.length < 3 || engine.stopwords.has(token) || /^\d+$/.test(token)) continue;
      const stem = engine.stem(token);
      const entry = byStem.get(stem) ?? { forms: new Map(), count: 0 };
      entry.count++;
      entry.forms.set(token, (entry.forms.get(token) ?? 0) + 1);
      byStem.set(stem, entry);
    }
    return [...byStem.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, KEYWORD_LIMIT)
      .map(({ forms, count }) => ({
        term: [...forms.entries()].sort((a, b) => b[1] - a[1])[0][0],
        count,
        score: round(count / tokens.length),
      }));
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
