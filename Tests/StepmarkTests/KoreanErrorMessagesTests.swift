import Foundation
import StepmarkCore
import StepmarkGrade
import Testing
@testable import StepmarkLesson

/// SPEC §8: in a Korean lesson, errors are Korean too. Every message the malformed corpus
/// (`Fixtures/malformed/`) produces — errors and warnings of each broken lesson, problems of
/// each broken submission — is passed through `Phrasebook.message(_, .korean)`, and no English
/// word of stepmark's may be left. Words the input itself holds (a misspelt argument, a token,
/// a TeX command, an HTML element) are the teacher's and stay as written, as do the words
/// `StringsTests.fixedWords` lists.
@Suite struct KoreanErrorMessagesTests {
    static func words(of text: String) -> Set<String> { StringsTests.asciiWords(of: text) }

    /// Argument keys every directive takes, the values of `visibility=`, format names and `inf`:
    /// code and names, never prose.
    static let codeWords: Set<String> = Set(commonArguments.map(\.name))
        .union(["visible", "hidden", "after_due_date", "after_published"])
        // Names of formats and what a student types for infinity.
        .union(["PNG", "JPEG", "GIF", "WebP", "SVG", "UTF", "inf"])

    /// The message without what is code, not prose: `code spans` and ```fences``` (a command
    /// to run, a block to write), the name of the course's model, flags (`--max-tokens`),
    /// file extensions (`.npy`), arguments written out (`model=bigram`), an argument's choices
    /// (`… 중 하나여야`) and the HTML elements prose may hold.
    static func withoutCode(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "all-MiniLM-L6-v2", with: " ")
        for fence in ["```", "`"] {
            let parts = out.components(separatedBy: fence)
            // Odd pieces are inside a span; an unclosed span keeps its text.
            guard parts.count >= 3 else { continue }
            out = parts.enumerated().map { i, piece in i % 2 == 1 && i < parts.count - 1 ? " " : piece }.joined(separator: " ")
        }
        for pattern in [#"(?<=은\(는\) )[^가-힣]*(?= 중 하나)"#, #"(?<=쓸 수 있는 요소: ).*$"#, #"--[a-z][a-z-]*"#,
                        #"\.[a-z]+(?![a-z])"#, #"(?<![a-z])[a-z_]+=[^\s,)]+"#] {
            out = out.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        return out
    }

    /// (message, words it may keep) for every problem the corpus reports.
    static func corpusMessages() throws -> [(file: String, message: String, allowed: Set<String>)] {
        let folder = MalformedCorpusTests.folder
        let key = try String(contentsOfFile: folder + "/" + MalformedCorpusTests.keyName, encoding: .utf8)
        let grader = try MalformedCorpusTests.grader.get()
        var out: [(String, String, Set<String>)] = []
        for name in MalformedCorpusTests.inputs {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let source = String(decoding: data, as: UTF8.self)
            if name.hasSuffix(".submission.md") {
                let outcome = grader.grade(submissionPath: path)
                let allowed = words(of: source).union(words(of: key)).union(codeWords)
                for e in outcome.lessonErrors { out.append((name, e.message, allowed)) }
                if let p = outcome.problem { out.append((name, p, allowed)) }
                continue
            }
            guard let lesson = try? LessonParser.read(path: path) else { continue }
            let report = Exercises.check(Runner().run(lesson))
            let allowed = words(of: source).union(StringsTests.identifiers(of: lesson, report: report)).union(codeWords)
            for e in report.errors + report.warnings { out.append((name, e.message, allowed)) }
        }
        return out
    }

    @Test func everyCorpusMessageIsKorean() throws {
        let messages = try Self.corpusMessages()
        #expect(messages.count > 150)
        var left: [String] = []
        for (file, message, allowed) in messages {
            let korean = Phrasebook.message(message, .korean)
            let english = StringsTests.englishWords(Self.withoutCode(korean), allowed: allowed)
            if !english.isEmpty { left.append("\(file): \(message)\n    → \(korean)\n    English left: \(english)") }
        }
        #expect(left.isEmpty, "\(left.count) of \(messages.count) messages keep English words:\n\(left.joined(separator: "\n"))")
    }
}
