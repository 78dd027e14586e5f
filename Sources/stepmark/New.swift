import ArgumentParser
import FoundationEssentials
import StepmarkCore

/// `stepmark new FILE [--lang ko]`: a lesson to start from, as `quarto create` or
/// `jupyter notebook` give a blank notebook: front matter, prose, one directive, one exercise
/// with its answer and a solution. It runs clean and its key checks itself, so a teacher can
/// change it a piece at a time. An existing file is never replaced.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a new lesson from a template (front matter, prose, one directive, one exercise).",
        discussion: """
            The file is created only when nothing is at FILE yet (a lesson is never overwritten). \
            Then run it with `stepmark run FILE`, and see `stepmark directives` for the blocks \
            a lesson can use.

            Exit status: 0 written; 2 bad usage, or FILE exists or cannot be written.

            Examples:
              stepmark new lessons/en/09-my-lesson.md
              stepmark new lessons/ko/09-softmax.md --lang ko
            """
    )

    @Argument(help: "The lesson file to create (it must not exist yet).", completion: .file(extensions: ["md"]))
    var file: String

    @Option(help: ArgumentHelp("The lesson's language: en or ko (default: ko under a ko/ folder, else en).", valueName: "lang"))
    var lang: String?

    func validate() throws {
        if file.isEmpty { throw ValidationError("FILE needs a path, not an empty one") }
        if let lang, !["en", "ko"].contains(lang) { throw ValidationError("--lang must be en or ko, got '\(lang)'") }
    }

    func run() throws {
        let language = lang ?? (FilePathText.components(file).contains("ko") ? "ko" : "en")
        let text = language == "ko" ? LessonTemplate.korean : LessonTemplate.english
        do {
            try LessonTemplate.create(text, at: file)
        } catch {
            let text = (error as? LessonTemplate.Failure)?.text ?? "\(error)"
            StandardStream.error("error: \(text)\n")
            throw ExitCode(2)
        }
        say("wrote \(file) (\(language)); run it with: stepmark run \(file)")
    }
}

enum LessonTemplate {
    struct Failure: Error { let text: String }

    /// Writes `text` to a new file at `path`, never replacing anything there: the text goes to a
    /// fresh temporary file in the same folder, which is then hard-linked to `path` (`link`
    /// fails when `path` exists, even when another process created it a moment ago) and
    /// removed. Nothing half-written is ever at `path`.
    static func create(_ text: String, at path: String) throws {
        var isFolder = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) || isSymbolicLink(path) {
            throw Failure(text: "\(path) already exists; stepmark new never overwrites a file (choose another name)")
        }
        let folder = FilePathText.parent(path)
        let dir = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder), isFolder else {
            throw Failure(text: "no folder \(dir) to write \(FilePathText.lastComponent(path)) into")
        }
        var template = Array((dir + "/.stepmark-new-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(text: "cannot write into \(dir): \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(temporary) }
        guard ReplacingWrite.writeAll(text, to: fd) else {
            close(fd)
            throw Failure(text: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o644)
        guard fsync(fd) == 0, close(fd) == 0 else { throw Failure(text: "cannot write \(path): \(String(cString: strerror(errno)))") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw Failure(text: "\(path) already exists; stepmark new never overwrites a file (choose another name)") }
            throw Failure(text: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static let english = """
        ---
        title: "Softmax: from scores to probabilities"
        lang: en
        author: ""
        description: "One directive and one exercise, to change into your own lesson."
        exercise-defaults:
          points: 1
          tol: 0.001
        ---

        # Softmax: from scores to probabilities

        Prose is ordinary Markdown. A fenced block whose first word is a directive runs, and the
        report shows every value it computes; `stepmark directives` lists them all.

        ```softmax
        [2, 1, 0]
        ```

        Softmax takes `exp` of every score and divides by the sum, so the three numbers are
        positive and add up to 1.

        **Exercise.** What is softmax of (1, 1)?

        ```softmax exercise=first-exercise
        [1, 1]
        ```

        <!-- solution -->
        Both scores are equal, so both get the same share: e¹ / (e¹ + e¹) = 0.5.
        <!-- end solution -->

        ```answer first-exercise
        [0.5, 0.5]
        ```

        """

    static let korean = """
        ---
        title: "소프트맥스: 점수에서 확률로"
        lang: ko
        author: ""
        description: "지시문 하나와 연습 문제 하나. 고쳐서 나만의 수업으로 만드세요."
        exercise-defaults:
          points: 1
          tol: 0.001
        ---

        # 소프트맥스: 점수에서 확률로

        본문은 보통의 마크다운입니다. 첫 단어가 지시문인 코드 블록은 실행되고, 보고서에 계산한 값이
        모두 나옵니다. 지시문 목록은 `stepmark directives`로 볼 수 있습니다.

        ```softmax
        [2, 1, 0]
        ```

        소프트맥스는 점수마다 `exp`를 구한 뒤 그 합으로 나눕니다. 그래서 세 수는 모두 양수이고
        합이 1입니다.

        **연습 문제.** (1, 1)의 소프트맥스는 얼마일까요?

        ```softmax exercise=first-exercise
        [1, 1]
        ```

        <!-- solution -->
        두 점수가 같으므로 몫도 같습니다. e¹ / (e¹ + e¹) = 0.5.
        <!-- end solution -->

        ```answer first-exercise
        [0.5, 0.5]
        ```

        """
}
