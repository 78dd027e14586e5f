import Foundation
import Testing
@testable import StepmarkLesson

/// The phrasebook's machinery: every pattern compiles, the byte tests that spare the regular
/// expressions never skip a message a pattern matches, and a lesson with thousands of errors
/// is not slowed down by some 900 patterns.
@Suite struct PhrasebookTests {
    static var everyPhrase: [Phrasebook.Phrase] { Phrasebook.messagePhrases + Phrasebook.formulaPhrases }

    @Test func everyPatternCompiles() {
        for phrase in Self.everyPhrase {
            do {
                _ = try Phrasebook.Phrase.compile(phrase.pattern)
            } catch {
                Issue.record("\(phrase.pattern): \(error)")
            }
        }
        #expect(Self.everyPhrase.count > 800)
    }

    @Test func requiredTextByHand() {
        #expect(Phrasebook.requiredText(#"^abc(\d+)defg$"#) == ("abc", "defg"))
        #expect(Phrasebook.requiredText(#"^unknown '(.*)' for x$"#) == ("unknown '", "unknown '"))
        #expect(Phrasebook.requiredText(#"^ab?c"#) == ("a", "a"))
        #expect(Phrasebook.requiredText(#"x \(y\) z"#) == ("", "x (y) z"))
        #expect(Phrasebook.requiredText(#"(?:^|(?<=: ))the vector of"#) == ("", "the vector of"))
        #expect(Phrasebook.requiredText(#"abc|xyz"#) == ("", ""))
        #expect(Phrasebook.requiredText(#"^(a|b) cd"#) == ("", " cd"))
        #expect(Phrasebook.requiredText(#"^[abc]+ de\S+"#) == ("", " de"))
        #expect(Phrasebook.requiredText(#"^a{2}b"#) == ("", "b"))
        #expect(Phrasebook.requiredText(#"^a\.b\dc"#) == ("a.b", "a.b"))
    }

    /// Soundness: wherever a pattern matches (each corpus message in English, and again part
    /// way through its translation, as `apply` sees it), its byte test lets it through.
    @Test func byteTestsNeverSkipAMatch() throws {
        var texts = try KoreanErrorMessagesTests.corpusMessages().map(\.message)
        texts += texts.map { Phrasebook.message($0, .korean) }
        texts += ["w after 8 updates", "weights = softmax(scaled) (each row sums to 1)", "unchanged"]
        var checked = 0
        for text in texts {
            let bytes = Array(text.utf8)
            for phrase in Self.everyPhrase where !phrase.matches(in: text).isEmpty {
                checked += 1
                let passes = bytes.withUnsafeBufferPointer { Phrasebook.mayMatch($0, prefix: phrase.prefix, required: phrase.required) }
                #expect(passes, "\(phrase.pattern) matches but its byte test skips: \(text)")
            }
        }
        #expect(checked > 300)
    }

    /// Two thousand errors in a Korean lesson take at most a few times what they take in an
    /// English one (before the byte tests: ten times).
    @Test func manyErrorsInKoreanStayCheap() {
        func lesson(_ lang: String) -> String {
            "---\nlang: \(lang)\n---\n\n" + (0..<2000).map { "```softmax colour=\($0)\n[1, 2]\n```\n" }.joined(separator: "\n")
        }
        let english = runLesson(lesson("en"))
        let korean = runLesson(lesson("ko"))
        let clock = ContinuousClock()
        let en = clock.measure { for e in english.errors { _ = Phrasebook.message(e.message, .english) } }
        let ko = clock.measure { for e in korean.errors { _ = Phrasebook.message(e.message, .korean) } }
        #expect(korean.errors.count == 2000)
        #expect(Phrasebook.message(korean.errors[0].message, .korean).hasPrefix("softmax에 없는 인수 'colour'"))
        // Generous: a loaded debug build; the regular expressions alone took seconds.
        #expect(ko < .seconds(2), "\(ko) for 2000 Korean messages (English: \(en))")
    }

    /// A long message full of words the lookbehind patterns look for (`scalar` after Hangul,
    /// `the` after `: `) stays cheap: each lookbehind is tested on a bounded window before the
    /// match, not on all the text before it.
    @Test func longHostileMessagesStayCheap() {
        let unit = "값 scalar: the a text "
        let message = String(repeating: unit, count: 5_000)  // ~110 KB, 20,000 candidate matches
        let clock = ContinuousClock()
        var translated = ""
        let took = clock.measure { translated = Phrasebook.message(message, .korean) }
        #expect(translated.contains("스칼라"))
        #expect(took < .seconds(5), "\(took) for a 110 KB message")
    }
}
