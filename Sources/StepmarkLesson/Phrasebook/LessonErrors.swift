extension Phrasebook {
    /// The Korean of the lesson's own errors: parsing, fences, info strings, front matter, course.yml, TeX, expressions, indexing, limits, lookups and the runner.
    /// (English pattern, Korean template) pairs, matched whole where they can be (`^…$`),
    /// applied before the shared fragments.
    ///
    /// A message that quotes what a value is (`Value.summary`: "a 2×3 matrix") gets it as
    /// "이 값은 …입니다"; `summaryPhrases`, last, turn those summaries into Korean, and only
    /// where a Korean "입니다" follows, so that an English message of another area that quotes
    /// a summary is left whole for its own patterns.
    static let lessonErrorPhrases: [(String, String)] = [
        infoStringPhrases, argumentPhrases, runnerPhrases, expressionSubjectPhrases, expressionPhrases,
        indexingPhrases, indexUnitPhrases, indexLabelPhrases, filePhrases, fileFailurePhrases, imagePhrases,
        svgPhrases, prosePhrases, texPhrases, frontMatterPhrases, coursePhrases, yamlPhrases, summaryPhrases,
    ].flatMap { $0 }

    // MARK: info strings (InfoString, StringLiteral)

    static let infoStringPhrases: [(String, String)] = [
        (#"^expected a name before '='$"#, "'=' 앞에 이름이 있어야 합니다"),
        (#"^expected key=value, found a value without a key$"#, "인수는 이름=값 꼴로 쓰는데, 이름 없이 값만 있습니다"),
        (#"^unexpected '(.+?)' with no '\[' before it$"#, "앞에 '['이(가) 없는데 '$1'이(가) 나왔습니다"),
        (#"^'(.*)=' has no value$"#, "'$1='에 값이 없습니다"),
        (#"^'(.*)' is given twice$"#, "'$1'이(가) 두 번 주어졌습니다"),
        (#"^unexpected '(.+?)' after the value of '(.*)'; separate arguments with spaces$"#,
         "'$2'의 값 뒤에 '$1'이(가) 나왔습니다. 인수는 공백으로 구분하세요"),
        (#"^lists nested more than (\d+) deep$"#, "목록이 $1겹보다 깊이 중첩되었습니다"),
        (#"^unterminated list: '\[' is never closed$"#, "닫히지 않은 목록: '['을(를) 닫지 않았습니다"),
        (#"^expected ',' or '\]' in list, found '(.+?)'$"#, "목록에는 ',' 또는 ']'이(가) 와야 하는데 '$1'이(가) 있습니다"),
        (#"^expected a list item$"#, "목록 항목이 있어야 합니다"),
        (#"^unknown escape '(.*)' in a string; the escapes are (.*) and (\\t)$"#,
         "문자열에 알 수 없는 이스케이프 '$1'이(가) 있습니다. 쓸 수 있는 이스케이프는 $2, $3입니다"),
        (#"^unterminated string: the quote opened here is never closed on this line$"#,
         "닫히지 않은 문자열: 여기서 연 따옴표가 이 줄에서 닫히지 않습니다"),
    ]

    // MARK: arguments (Directive.swift's Arguments, TypedLookups, the runner's common arguments)

    static let argumentPhrases: [(String, String)] = [
        (#"^(\S+)= expects a number, got (.*)$"#, "$1=에는 숫자가 와야 합니다(받은 값: $2)"),
        (#"^(\S+)= expects a whole number, got (.*)$"#, "$1=에는 정수가 와야 합니다(받은 값: $2)"),
        (#"^(\S+)=(-?\d+) is over the limit of (-?\d+) \(raise it with (--[a-z-]+)\)$"#,
         "$1=$2은(는) 한도 $3을(를) 넘습니다($4로 한도를 올릴 수 있습니다)"),
        (#"^(\S+)= must be between (-?\d+) and (-?\d+), got (-?\d+)$"#, "$1=은(는) $2에서 $3 사이여야 합니다(받은 값: $4)"),
        (#"^(\S+)= expects a name or a word, got a list$"#, "$1=에는 이름이나 낱말이 와야 하는데 목록이 왔습니다"),
        (#"^(\S+)= expects a name, got (.*)$"#, "$1=에는 이름이 와야 합니다(받은 값: $2)"),
        (#"^(\S+)= must be one of (.*?), got (.*?)(?=; did you mean|$)"#, "$1=은(는) $2 중 하나여야 합니다(받은 값: $3)"),
        (#"^(\S+)= expects whole numbers separated by commas, like 2,3,1; '(.*)' is not one$"#,
         "$1=에는 2,3,1처럼 쉼표로 구분한 정수가 와야 합니다. '$2'은(는) 정수가 아닙니다"),
        (#"^(\S+)= must be a positive number \(the size of each step downhill\), got (.*)$"#,
         "$1=은(는) 경사를 따라 내려가는 한 걸음의 크기이므로 양수여야 합니다(받은 값: $2)"),
        (#"^(\S+)= must be a positive number \((.*)\), got (.*)$"#, "$1=은(는) 양수여야 합니다($2)(받은 값: $3)"),
        (#"^(\S+)= must be a positive number, got (.*)$"#, "$1=은(는) 양수여야 합니다(받은 값: $2)"),
        (#"^(\S+)= only makes sense together with exercise=ID$"#, "$1=은(는) exercise=와 함께 쓸 때만 뜻이 있습니다"),
        (#"^exercise= expects an id of letters, digits, '-', '_' or '\.', got "(.*)"$"#,
         "exercise=에는 글자, 숫자, '-', '_', '.'로 된 id가 와야 합니다(받은 값: \"$1\")"),
        (#"^(points|tol)= must be a number ≥ 0$"#, "$1=은(는) 0 이상의 숫자여야 합니다"),
        (#"^tags= takes at most (\d+) tags, got (\d+)$"#, "tags=에는 태그를 $1개까지 쓸 수 있습니다(받은 개수: $2)"),
        (#"^tags= expects words or "quoted text", not a nested list$"#,
         "tags=에는 낱말이나 \"따옴표로 감싼 텍스트\"가 와야 하며, 목록 안의 목록은 쓸 수 없습니다"),
        (#"^a tag must be 1 to (\d+) characters on one line, got (.*)$"#, "태그는 한 줄에 1자에서 $1자까지여야 합니다(받은 값: $2)"),
        (#"^check=(.*) names no value of this step; it recorded (.*)$"#,
         "check=$1은(는) 이 단계의 값이 아닙니다. 이 단계가 기록한 값: $2"),
        (#"^unexpected '(.*)' in the info string; arguments are written key=value$"#,
         "블록 첫 줄(정보 문자열)에 알 수 없는 낱말 '$1'이(가) 있습니다. 인수는 이름=값 꼴로 씁니다"),
    ]

    // MARK: the runner (limits, assignments, the environment)

    static let runnerPhrases: [(String, String)] = [
        (#"^there is a problem in a part of the lesson only the teacher sees$"#, "교사만 보는 부분에 문제가 있습니다"),
        (#"^this step failed; its message is hidden until the answers are published, since it may quote a value an exercise asks for$"#,
         "이 단계는 실패했습니다. 연습 문제가 묻는 값이 드러날 수 있어 오류 내용은 답이 공개될 때까지 숨겨집니다"),
        (#"^(.+) would have (\d+) entries, over the limit of (\d+) \(raise it with --max-entries\)$"#,
         "$1의 항목이 $2개가 되어 한도 $3개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)"),
        (#"^(.+) would have too many entries, over the limit of (\d+) \(raise it with --max-entries\)$"#,
         "$1의 항목이 너무 많아 한도 $2개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)"),
        (#"^(.+) would bring the lesson's recorded values to more than (\d+) entries in all, over the lesson's limit of (\d+) \((\d+) × the value limit; raise it with --max-entries\)$"#,
         "$1까지 기록하면 강의에 기록된 값의 항목이 모두 $2개보다 많아져 강의의 한도 $3개(값 한도의 $4배)를 넘습니다. --max-entries로 한도를 올릴 수 있습니다"),
        (#"^(.+) would bring the lesson's recorded values to (\d+) entries in all, over the lesson's limit of (\d+) \((\d+) × the value limit; raise it with --max-entries\)$"#,
         "$1까지 기록하면 강의에 기록된 값의 항목이 모두 $2개가 되어 강의의 한도 $3개(값 한도의 $4배)를 넘습니다. --max-entries로 한도를 올릴 수 있습니다"),
        (#"^(.+) would be the lesson's value number (\d+), over the lesson's limit of (\d+) recorded values \(10000, or a hundredth of the value limit; raise it with --max-entries\)$"#,
         "$1은(는) 강의에 기록되는 $2번째 값이 되어 강의의 한도인 값 $3개(10000개, 또는 값 한도의 100분의 1)를 넘습니다. --max-entries로 한도를 올릴 수 있습니다"),
        (#"^(\w+\([^)]*\)): an empty value of shape \[([^\]]*)\] is over the limit of (\d+) entries: each of its (\d+) rows or columns counts as one \(raise it with --max-entries\)$"#,
         "$1: 형태가 [$2]인 빈 값이라도 행이나 열 $4개를 하나씩 세므로 한도 $3개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)"),
        (#"^an empty value of shape \[([^\]]*)\] is over the limit of (\d+) entries: each of its (\d+) rows or columns counts as one \(raise it with --max-entries\)$"#,
         "형태가 [$1]인 빈 값이라도 행이나 열 $3개를 하나씩 세므로 한도 $2개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)"),
        (#"^a value of (\d+) entries is over the limit of (\d+) \(raise it with --max-entries\)$"#,
         "값의 항목이 $1개라 한도 $2개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)"),
        (#"^a value of more than (\d+) entries is over the limit of (\d+) \(raise it with --max-entries\)$"#,
         "값의 항목이 $1개보다 많아 한도 $2개를 넘습니다(--max-entries로 한도를 올릴 수 있습니다)"),
        (#"^stopped: the lesson ran over the time limit of (\S+) s \(raise it with --max-seconds\)$"#,
         "멈췄습니다: 강의가 시간 한도 $1초를 넘었습니다(--max-seconds로 한도를 올릴 수 있습니다)"),
        (#"^not run: the lesson stopped at the time limit$"#, "실행하지 않음: 강의가 시간 한도에서 멈췄습니다"),
        (#"^the lesson ran over the time limit of (\S+) s; steps after this one were not run \(raise it with --max-seconds\)$"#,
         "강의가 시간 한도 $1초를 넘어, 이 단계 뒤의 단계는 실행하지 않았습니다(--max-seconds로 한도를 올릴 수 있습니다)"),
        (#"^expected NAME = EXPRESSION, found (.*)$"#, "각 줄은 '이름 = 식' 꼴이어야 하는데 $1이(가) 있습니다"),
        (#"^expected NAME = EXPRESSION$"#, "각 줄은 '이름 = 식' 꼴이어야 합니다"),
        (#"^expected '=' after '(.*)' \(each line is NAME = EXPRESSION\)$"#, "'$1' 뒤에 '='이(가) 있어야 합니다(각 줄은 '이름 = 식' 꼴입니다)"),
        (#"^undefined name '(.*)': this line defines (.*), so it cannot use \2 before it has a value; give \2 a value on an earlier line$"#,
         "정의되지 않은 이름 '$1': 이 줄이 $2을(를) 정의하므로, 값이 생기기 전에는 $2을(를) 쓸 수 없습니다. 앞 줄에서 $2에 값을 주세요"),
        (#"^'(.*)' is a model, not a value: give it to a directive with model=(.*)$"#,
         "'$1'은(는) 값이 아니라 모델입니다: 지시문에 model=$2로 넘기세요"),
    ]

    // MARK: expressions (Evaluator, Expression, ExpressionFunctions)

    /// What an expression error names ("the length must be …"): its pattern, its Korean, and
    /// how many groups the pattern has.
    static let expressionSubjects: [(String, String, Int)] = [
        (#"unary minus"#, "음수 부호 -", 0), (#"the length"#, "길이", 0), (#"the row count"#, "행 수", 0),
        (#"the column count"#, "열 수", 0), (#"the size"#, "크기", 0),
        (#"(\.T|'[^']+'|\w+\(\)|temperature|seed)"#, "$1", 1),
    ]

    /// A place in a result ("in entry 3", "in row 2, column 1"), and its Korean.
    static let resultPlaces: [(String, String)] = [
        (#" in entry (\d+)"#, " 중 $1번째 항목"), (#" in row (\d+), column (\d+)"#, " 중 $1행 $2열"), ("", ""),
    ]

    static let expressionSubjectPhrases: [(String, String)] = expressionSubjects.flatMap { english, korean, groups -> [(String, String)] in
        // The subject's groups come first: each template's $1, $2 … move past them, and $S
        // stands for the subject.
        func shift(_ template: String) -> String {
            var t = template
            for n in stride(from: 4, through: 1, by: -1) { t = t.replacing( "$\(n)", with: "$\(n + groups)") }
            return t.replacing( "$S", with: korean)
        }
        var out: [(String, String)] = [
            (#"^\#(english) needs numbers, but this is (.+)$"#, shift("$S에는 숫자가 필요한데 이 값은 $1입니다")),
            (#"^\#(english) must be a whole number ≥ 0$"#, shift("$S은(는) 0 이상의 정수여야 합니다")),
            (#"^\#(english) (\S+) is too large \(at most 2\^53\)$"#, shift("$S $1은(는) 너무 큽니다(최대 2^53)")),
        ]
        for (place, placeKorean) in resultPlaces {
            out.append((#"^\#(english) gives an undefined result \(NaN\)\#(place), as ∞ − ∞, 0 × ∞ or ∞ / ∞ do$"#,
                        shift("$S의 결과\(placeKorean)에 정의되지 않은 값(숫자가 아닌 값)이 생깁니다. ∞ − ∞, 0 × ∞, ∞ / ∞가 그렇습니다")))
            out.append((#"^\#(english) overflows\#(place): the result is too large to represent \(over 1\.8e308\)$"#,
                        shift("$S의 결과\(placeKorean)에서 값이 너무 커져 나타낼 수 없습니다(1.8e308 초과)")))
        }
        return out
    }

    static let expressionPhrases: [(String, String)] = [
        (#"^\.shape needs numbers or a token list, but this is (.+)$"#, ".shape에는 숫자나 토큰 목록이 필요한데 이 값은 $1입니다"),
        (#"^division by zero$"#, "0으로 나누었습니다"),
        (#"^a token list holds only strings, but this is (.+)$"#, "토큰 목록에는 문자열만 넣을 수 있는데 이 값은 $1입니다"),
        (#"^a list of numbers cannot hold (.+)$"#, "숫자 목록에는 숫자만 넣을 수 있는데 이 값은 $1입니다"),
        (#"^this list mixes numbers and lists; expected a number here, found (.+)$"#,
         "이 목록에는 숫자와 목록이 섞여 있습니다. 여기에는 숫자가 와야 하는데 이 값은 $1입니다"),
        (#"^literals have at most two levels of brackets \(a matrix\); three-dimensional tensors are not supported$"#,
         "값을 직접 쓸 때 괄호는 두 겹(행렬)까지입니다. 3차원 텐서는 지원하지 않습니다"),
        (#"^row (\d+) of the matrix is (.+); every row must be a list of numbers$"#,
         "행렬의 $1행이 $2입니다. 모든 행은 숫자 목록이어야 합니다"),
        (#"^ragged matrix: row (\d+) has (\d+) entr(?:y|ies) but row 1 has (\d+)$"#,
         "행 길이가 고르지 않은 행렬: $1행의 항목은 $2개인데 1행은 $3개입니다"),
        (#"^(\w+)\(\) takes (\d+) to (\d+) arguments, got (\d+)$"#, "$1()은(는) 인수를 $2~$3개 받습니다(받은 개수: $4)"),
        (#"^(\w+)\(\) takes (\d+) arguments?, got (\d+)$"#, "$1()은(는) 인수를 $2개 받습니다(받은 개수: $3)"),
        (#"^(\w+)\(\) has no keyword argument '(.*)'; it takes none$"#, "$1()에는 키워드 인수 '$2'이(가) 없습니다. 키워드 인수를 받지 않습니다"),
        (#"^(\w+)\(\) has no keyword argument '(.*)'; expected (.*)$"#, "$1()에는 키워드 인수 '$2'이(가) 없습니다. 쓸 수 있는 키워드 인수: $3"),
        (#"^unknown function '(.*?)'"#, "알 수 없는 함수 '$1'"),
        (#" \(functions: (.*); see stepmark functions\)$"#, " (쓸 수 있는 함수: $1. 설명은 `stepmark functions`에 있습니다)"),
        (#"^log\((.*)\) is undefined: log needs positive numbers$"#, "log($1)은(는) 정의되지 않습니다: log에는 양수가 필요합니다"),
        (#"^sqrt\((.*)\) is undefined: sqrt needs numbers ≥ 0$"#, "sqrt($1)은(는) 정의되지 않습니다: sqrt에는 0 이상의 숫자가 필요합니다"),
        (#"^len\(\) needs numbers or a token list, but this is (.+)$"#, "len()에는 숫자나 토큰 목록이 필요한데 이 값은 $1입니다"),
        (#"^len\(\) needs numbers, but this is (.+)$"#, "len()에는 숫자가 필요한데 이 값은 $1입니다"),
        (#"^len\(\) of a number is undefined: a number has no rows \(len counts the rows of a matrix, the entries of a vector\)$"#,
         "숫자의 len()은 정의되지 않습니다: 숫자에는 행이 없습니다(len은 행렬의 행 수, 벡터의 항목 수를 셉니다)"),
        (#"^temperature must be a number$"#, "temperature는 숫자여야 합니다"),
        (#"^(rows|cols)= needs a token list like \["a", "b"\], but this is (.+)$"#,
         "$1=에는 [\"a\", \"b\"] 같은 토큰 목록이 필요한데 이 값은 $2입니다"),
        (#"^rows= has (\d+) labels? but the value has (\d+) rows?$"#, "rows=의 레이블은 $1개인데 값의 행은 $2개입니다"),
        (#"^cols= has (\d+) labels? but the value has (\d+) columns?$"#, "cols=의 레이블은 $1개인데 값의 열은 $2개입니다"),
        (#"^label\(\) labels the entries of a vector or the rows and columns of a matrix, but this is a number$"#,
         "label()은 벡터의 항목이나 행렬의 행과 열에 레이블을 붙이는데 이 값은 숫자입니다"),
        (#"^cols= labels the columns of a matrix, but this is a vector; label a vector's entries with rows=$"#, "cols=는 행렬의 열에 레이블을 붙이는데 이 값은 벡터입니다. 벡터의 항목에는 rows=로 레이블을 붙이세요"),
        (#"^cols= labels the columns of a matrix, but this is a number; label a vector's entries with rows=$"#, "cols=는 행렬의 열에 레이블을 붙이는데 이 값은 숫자입니다. 벡터의 항목에는 rows=로 레이블을 붙이세요"),
        (#"^load\(\) needs a file name in quotes, like load\("weights\.npy"\)$"#,
         "load()에는 load(\"weights.npy\")처럼 따옴표로 감싼 파일 이름이 필요합니다"),
        (#"^'(.*)' holds NaN \(not a number\) in row (\d+), column (\d+); a lesson needs numbers there$"#,
         "'$1'의 $2행 $3열에 숫자가 아닌 값(NaN)이 있습니다. 강의에는 그 자리에 숫자가 있어야 합니다"),
        (#"^'(.*)' holds NaN \(not a number\) in entry (\d+); a lesson needs numbers there$"#,
         "'$1'의 $2번째 항목에 숫자가 아닌 값(NaN)이 있습니다. 강의에는 그 자리에 숫자가 있어야 합니다"),
        (#"^internal error: the function (\w+)\(\) is listed but not implemented$"#,
         "내부 오류: 함수 $1()이(가) 목록에는 있지만 구현되지 않았습니다"),
        // The lexer and the parser.
        (#"^'(.*)' is not a number; put an operator between a number and a name$"#,
         "'$1'은(는) 숫자가 아닙니다. 숫자와 이름 사이에 연산자를 넣으세요"),
        (#"^'(.*)' is not a number$"#, "'$1'은(는) 숫자가 아닙니다"),
        (#"^the number (.*) is too large to represent$"#, "숫자 $1은(는) 너무 커서 나타낼 수 없습니다"),
        (#"^unknown attribute '(\..*?)'"#, "알 수 없는 속성 '$1'"),
        (#" \(values have \.T, the transpose, and \.shape\)$"#, " (값에는 .T(전치 행렬)와 .shape(모양)가 있습니다)"),
        (#"^unexpected character (.*)$"#, "식에 쓸 수 없는 문자가 있습니다: $1"),
        (#"^expected an expression$"#, "식이 있어야 합니다"),
        (#"^expected an operator or the end of the expression, found (.*)$"#, "연산자나 식의 끝이 와야 하는데 $1이(가) 있습니다"),
        (#"^expected '\)' to close the call to (\w+)\(, found (.*)$"#, "$1( 호출을 닫는 ')'이(가) 와야 하는데 $2이(가) 있습니다"),
        (#"^expected '\)' to close '\(' at (\S+), found (.*)$"#, "$1에서 연 '('을(를) 닫는 ')'이(가) 와야 하는데 $2이(가) 있습니다"),
        (#"^expression nested more than (\d+) levels deep$"#, "식이 $1단계보다 깊이 중첩되었습니다"),
        (#"^expression too long: more than (\d+) operators; split it over several lines$"#,
         "식이 너무 깁니다: 연산자가 $1개보다 많습니다. 여러 줄로 나누세요"),
        (#"^expected an index inside '\[ \]', like X\[0\] or X\[:, 1\]$"#, "'[ ]' 안에 X[0]이나 X[:, 1]처럼 인덱스가 있어야 합니다"),
        (#"^too many indices: a matrix takes at most two, X\[row, column\]$"#,
         "인덱스가 너무 많습니다: 행렬은 X[행, 열]처럼 인덱스를 두 개까지 받습니다"),
        (#"^slice steps \(a:b:step\) are not supported; write a:b$"#, "슬라이스의 간격(a:b:간격)은 지원하지 않습니다. a:b로 쓰세요"),
        (#"^unterminated index: '\[' at (\S+) is never closed$"#, "닫히지 않은 인덱스: $1의 '['이(가) 닫히지 않았습니다"),
        (#"^expected ',', ':' or '\]' in the index, found (.*)$"#, "인덱스에는 ',', ':' 또는 ']'이(가) 와야 하는데 $1이(가) 있습니다"),
        (#"^a positional argument cannot follow a keyword argument$"#, "키워드 인수 뒤에는 위치 인수를 쓸 수 없습니다"),
        (#"^unterminated list: '\[' at (\S+) is never closed$"#, "닫히지 않은 목록: $1의 '['이(가) 닫히지 않았습니다"),
        (#"^expected ',' or '\]' in the list, found (.*)$"#, "목록에는 ',' 또는 ']'이(가) 와야 하는데 $1이(가) 있습니다"),
        (#"^this '\[' is still open when line (\d+) starts with (.*), where ',' or '\]' was expected; is a '\]' missing at the end of its list\?$"#,
         "이 '['이(가) 닫히지 않았는데 $1번째 줄 첫머리에 $2이(가) 있습니다(',' 또는 ']'이(가) 와야 할 자리입니다). 목록 끝에 ']'이(가) 빠졌나요?"),
        (#"^'\?' marks an unanswered entry and is only allowed in answer blocks$"#,
         "'?'는 답하지 않은 항목을 나타내며 answer 블록에서만 쓸 수 있습니다"),
        (#"^the expression ends too early; expected a number, a name, '\(' or '\['$"#,
         "식이 너무 일찍 끝납니다. 숫자, 이름, '(' 또는 '['이(가) 와야 합니다"),
        (#"^expected a number, a name, '\(' or '\[', found (.*)$"#, "숫자, 이름, '(' 또는 '['이(가) 와야 하는데 $1이(가) 있습니다"),
        // What the parser found (`ExprToken.describe`), where a Korean "이(가) 있습니다" follows it.
        (#"the number (\S+)(?=이\(가\) 있습니다)"#, "숫자 $1"),
        (#"the string (".*")(?=이\(가\) 있습니다)"#, "문자열 $1"),
        (#"the name ('.*')(?=이\(가\) 있습니다)"#, "이름 $1"),
        (#"the end of the expression(?=이\(가\) 있습니다)"#, "식의 끝"),
        // An invisible character (`ExprLexer.describe`).
        // U+FFFD and U+FEFF are named by what they are: their codes are all letters.
        (#"U\+FFFD \(a NUL byte in the file, or text that was not valid\)"#, "파일 안의 널 바이트나 올바르지 않은 텍스트(�)"),
        (#"U\+FEFF \(an invisible byte-order mark\)"#, "보이지 않는 바이트 순서 표시 문자"),
        (#" \(a NUL byte in the file, or text that was not valid\)"#, " (파일 안의 널 바이트이거나 올바르지 않은 텍스트)"),
        (#" \(an invisible byte-order mark\)"#, " (보이지 않는 바이트 순서 표시)"),
        (#" \(an invisible character\)"#, " (보이지 않는 문자)"),
    ]

    // MARK: indexing (Indexing.swift)

    /// Each unit ends in a consonant: its particles are 은 and 이.
    static let indexUnits: [(String, String)] = [("rows?", "행"), ("columns?", "열"), ("entry|entries", "항목"), ("tokens?", "토큰")]

    static let indexingPhrases: [(String, String)] = [
        (#"^an index must be a whole number, but this is (.+)$"#, "인덱스는 정수여야 하는데 이 값은 $1입니다"),
        (#"^a slice end must be a whole number, but this is (.+)$"#, "슬라이스의 끝은 정수여야 하는데 이 값은 $1입니다"),
        (#"^an index (\S+) is not a whole number$"#, "인덱스 $1은(는) 정수가 아닙니다"),
        (#"^a slice end (\S+) is not a whole number$"#, "슬라이스의 끝 $1은(는) 정수가 아닙니다"),
    ]

    static let indexUnitPhrases: [(String, String)] = indexUnits.flatMap { english, korean -> [(String, String)] in [
        (#"^index (\S+) is out of range: (.*) has (\d+) (?:\#(english)) \(it has none\)$"#,
         "인덱스 $1이(가) 범위를 벗어났습니다: $2에는 \(korean)이 없습니다"),
        (#"^index (\S+) is out of range: (.*) has (\d+) (?:\#(english)) \(valid: (\d+) to (\d+), or −(\d+) to −1 from the end\)$"#,
         "인덱스 $1이(가) 범위를 벗어났습니다: $2의 \(korean)은 $3개입니다(쓸 수 있는 인덱스: $4~$5, 끝에서부터 세면 −$6~−1)"),
        (#"^the slice selects no (?:\#(english)) \((.*) has (\d+); from (-?\d+) up to (-?\d+) is empty\), and a value needs at least one entry$"#,
         "슬라이스가 고르는 \(korean)이 없습니다($1의 \(korean)은 $2개이고, $3부터 $4 전까지는 비어 있습니다). 값에는 항목이 하나 이상 있어야 합니다"),
    ] }

    static let indexLabelPhrases: [(String, String)] = [
        (#"^a token list takes one index, not (\d+)$"#, "토큰 목록은 인덱스를 하나만 받습니다(받은 개수: $1)"),
        (#"^(.*) is a vector and takes one index, not (\d+)$"#, "$1은(는) 벡터라서 인덱스를 하나만 받습니다(받은 개수: $2)"),
        (#"^cannot index a number: (.*) is a single number, with no rows or entries$"#,
         "숫자에는 인덱스를 쓸 수 없습니다: $1은(는) 숫자 하나이고 행도 항목도 없습니다"),
        (#"^cannot index (.+); indexing needs numbers or a token list$"#,
         "인덱스는 숫자나 토큰 목록에만 쓸 수 있는데 이 값은 $1입니다"),
        (#"^row\(\) needs a matrix \(or vector\) with row labels, but this is (.+)$"#,
         "row()에는 행 레이블이 있는 행렬(또는 벡터)이 필요한데 이 값은 $1입니다"),
        (#"^row\(\) takes the label in quotes, like row\(X, "cat"\), but this is (.+)$"#,
         "row()에는 row(X, \"cat\")처럼 레이블을 따옴표로 감싸 넘겨야 하는데 이 값은 $1입니다"),
        (#"^(.*) has no row labels; give it some with label\(X, rows=\[…\]\) or pick a row by number, X\[i\]$"#,
         "$1에는 행 레이블이 없습니다. label(X, rows=[…])로 레이블을 붙이거나 X[i]처럼 번호로 행을 고르세요"),
        (#"^no row of (.*?) is labelled ("[^"]*")"#, "$1에는 레이블이 $2인 행이 없습니다"),
        (#"; did you mean ("[^"]*")\?"#, "; $1을(를) 뜻했나요?"),
        (#" \(row labels: (.*), … (\d+) in all\)$"#, " (행 레이블: $1, … 모두 $2개)"),
        (#" \(row labels: (.*)\)$"#, " (행 레이블: $1)"),
        (#"^axis=(\d+) is numpy's numbering; here write axis=row \(one value per row\)$"#,
         "axis=$1은(는) 넘파이식 번호입니다. 여기서는 axis=row로 쓰세요(행마다 값 하나)"),
        (#"^axis=(\d+) is numpy's numbering; here write axis=col \(one value per column\)$"#,
         "axis=$1은(는) 넘파이식 번호입니다. 여기서는 axis=col로 쓰세요(열마다 값 하나)"),
        (#"^axis= must be row \(one value per row\) or col \(one value per column\)"#,
         "axis=은(는) row(행마다 값 하나) 또는 col(열마다 값 하나)이어야 합니다"),
        (#"; did you mean axis=(\w+)\?$"#, "; axis=$1을(를) 뜻했나요?"),
        (#"^(\w+)\(\) of an empty value is undefined$"#, "빈 값의 $1()은(는) 정의되지 않습니다"),
        (#"^(\w+)\(…, axis=(row|col)\) needs a vector or a matrix, but this is a number$"#,
         "$1(…, axis=$2)에는 벡터나 행렬이 필요한데 이 값은 숫자입니다"),
        // `called(base)` when the indexed thing has no name.
        (#"(?<![A-Za-z])the value은\(는\) "#, "이 값은 "),
        (#"(?<![A-Za-z])the value(?=의 |에는 )"#, "이 값"),
    ]

    // MARK: files (FileLoader, the images of prose)

    /// `RegularFile.Failure.message`, after a file's name.
    static let fileFailures: [(String, String)] = [
        (#"is a directory, not a file"#, "은(는) 파일이 아니라 폴더입니다"),
        (#"is a FIFO \(named pipe\), not a regular file; only regular files are read"#, "은(는) 보통 파일이 아니라 FIFO(이름 있는 파이프)입니다. 보통 파일만 읽습니다"),
        (#"is a character device, not a regular file; only regular files are read"#, "은(는) 보통 파일이 아니라 문자 장치입니다. 보통 파일만 읽습니다"),
        (#"is a block device, not a regular file; only regular files are read"#, "은(는) 보통 파일이 아니라 블록 장치입니다. 보통 파일만 읽습니다"),
        (#"is a socket, not a regular file; only regular files are read"#, "은(는) 보통 파일이 아니라 소켓입니다. 보통 파일만 읽습니다"),
        (#"is a file of the kernel's (/proc|/sys) \(it may hold this process's secrets\), not a regular file; only regular files are read"#,
         "은(는) 보통 파일이 아니라 커널의 $N 파일입니다(이 프로세스의 비밀이 들어 있을 수 있습니다). 보통 파일만 읽습니다"),
        (#"is larger than the limit of (\d+) bytes \(raise it with --max-file-bytes\)"#,
         "은(는) 크기 한도 $N바이트보다 큽니다(--max-file-bytes로 한도를 올릴 수 있습니다)"),
        (#"cannot be read: (.*)"#, "을(를) 읽을 수 없습니다: $N"),
    ]

    /// What an SVG file must not hold (`SVGCheck.problem`).
    static let svgProblems: [(String, String)] = [
        (#"a <script>"#, "<script>"), (#"a <foreignObject>"#, "<foreignObject>"), (#"a javascript: address"#, "javascript: 주소"),
        (#"an <!ENTITY> declaration"#, "<!ENTITY> 선언"), (#"an @import"#, "@import"), (#"an <iframe>"#, "<iframe>"),
        (#"an <embed>"#, "<embed>"), (#"an <object>"#, "<object>"), (#"an event attribute \((\S+)\)"#, "이벤트 속성($2)"),
        (#"a link to something outside the file \((\S+)\)"#, "파일 밖을 가리키는 링크($2)"), (#"a url\(…\) outside the file"#, "파일 밖을 가리키는 url(…)"),
        (#"an animation that sets a link \(attributeName=href\)"#, "링크를 바꾸는 애니메이션(attributeName=href)"),
        (#"a CSS escape \(\\…\) in a style"#, "스타일 안의 CSS 이스케이프(\\…)"),
    ]

    static let filePhrases: [(String, String)] = [
        (#"^load\(\) reads \.npy and \.csv files; '(.*)' is neither$"#, "load()는 .npy와 .csv 파일만 읽습니다. '$1'은(는) 둘 다 아닙니다"),
        (#"^'(.*)' is not UTF-8 text$"#, "'$1'은(는) UTF-8 텍스트가 아닙니다"),
        (#"^no file '(.*)' next to the lesson$"#, "강의 옆에 '$1' 파일이 없습니다"),
        (#"^no file '(/.*)'$"#, "'$1' 파일이 없습니다"),
    ]

    static let fileFailurePhrases: [(String, String)] = fileFailures.flatMap { english, korean -> [(String, String)] in
        let k = korean.replacing( "$N", with: "$2")
        return [(#"^'(.*)' \#(english)$"#, "'$1'\(k)"), (#"^the image (.*) \#(english)$"#, "이미지 $1\(k)")]
    }

    static let imagePhrases: [(String, String)] = [
        (#"^this image names no file$"#, "이 이미지는 파일을 가리키지 않습니다"),
        (#"^the remote image (.*) cannot be shown \(the page loads nothing from the network\), so it is written as a link; save the file next to the lesson and name it by a relative path to embed it$"#,
         "원격 이미지 $1은(는) 보일 수 없어(페이지는 네트워크에서 아무것도 불러오지 않습니다) 링크로 씁니다. 페이지에 넣으려면 파일을 강의 옆에 저장하고 상대 경로로 가리키세요"),
        (#"^the image (.*) is not a file: only local image files, named relative to the lesson, are embedded$"#,
         "이미지 $1은(는) 파일이 아닙니다: 강의 기준 상대 경로로 가리킨 로컬 이미지 파일만 페이지에 넣습니다"),
        (#"^the image file (.*) does not exist \(paths are relative to the lesson's folder\)$"#,
         "이미지 파일 $1이(가) 없습니다(경로는 강의 폴더 기준입니다)"),
        (#"^the images of this lesson would put more than (\d+) MB into its page \(each use of an image counts\), so (.*) is shown as its alt text; use fewer or smaller images$"#,
         "이 강의의 이미지가 페이지에 $1MB 넘게 들어가게 되어(이미지를 쓸 때마다 따로 셉니다) $2은(는) 대체 텍스트로 보여 줍니다. 이미지를 줄이거나 더 작은 이미지를 쓰세요"),
        (#"^from this image on, (\d+) more would put the page over its (\d+) MB of images too; each is shown as its alt text$"#,
         "이 이미지부터 $1개가 더 페이지의 이미지 한도 $2MB를 넘게 되어, 각각 대체 텍스트로 보여 줍니다"),
        (#"^the image (.*) is larger than (\d+) MB, the limit for an image embedded in the page$"#,
         "이미지 $1은(는) 페이지에 넣는 이미지의 한도인 $2MB보다 큽니다"),
        (#"^the file (.*) is not a PNG, JPEG, GIF, WebP or SVG image \(its first bytes say so, whatever its name\)$"#,
         "파일 $1은(는) PNG, JPEG, GIF, WebP, SVG 이미지가 아닙니다(이름과 상관없이 파일의 첫 바이트로 판단합니다)"),
    ]

    static let svgPhrases: [(String, String)] = svgProblems.map { english, korean -> (String, String) in
        (#"^the SVG image (.*) is not embedded: it holds \#(english), which a lesson's picture must not$"#,
         "SVG 이미지 $1은(는) 페이지에 넣지 않았습니다: 강의의 그림에 있으면 안 되는 \(korean)이 들어 있습니다")
    } + [
        // The image's problem translated by the core's phrases already: only the name is left.
        (#"^the image (\S+) (?=.*\p{Hangul})"#, "이미지 $1: "),
    ]

    // MARK: prose (LessonParser, ProseMarkup, MarkdownShape)

    static let prosePhrases: [(String, String)] = [
        (#"^a solution marker inside code still opens a teacher-only region, which hides the rest of the code and what follows; write it otherwise \(for example with a space inside <! --\)$"#,
         "코드 안의 풀이 표시도 교사용 구역을 열어, 코드의 나머지와 그 뒤를 숨깁니다. 다르게 쓰세요(예: <! -- 처럼 가운데에 빈칸)"),
        (#"^a solution marker inside a ```(\S+) block: the handout does not read it as one but the assignment would; write it otherwise \(for example with a space inside <! --\)$"#,
         "```$1 블록 안에 풀이 표시가 있습니다. 배포 자료는 이것을 표시로 읽지 않지만 과제는 읽습니다. 다르게 쓰세요(예: <! -- 처럼 가운데에 빈칸)"),
        (#"^<(\w+)> is not closed before a step, a solution marker or the end of the lesson, so the page closes it there; a step cannot go inside <\1>$"#,
         "<$1>이(가) 단계나 풀이 표시나 강의 끝 전에 닫히지 않아 페이지가 그 자리에서 닫습니다. 단계는 <$1> 안에 들어갈 수 없습니다"),
        (#"^</(\w+)> closes nothing opened in this stretch of prose \(a step or a solution marker comes between it and its <\1>\), so it is left out$"#,
         "</$1>이(가) 이 본문 구간에서 연 요소를 닫지 않아(이것과 <$1> 사이에 단계나 풀이 표시가 있습니다) 빠집니다"),
        (#"^the answer for '(.*?)' is not checked: its exercise's ```(\S+) step at line (\d+) failed; fix that step's error first$"#,
         "'$1'의 답은 확인하지 않습니다: 그 연습 문제의 ```$2 단계($3번째 줄)가 실패했습니다. 그 단계의 오류부터 고치세요"),
        (#"^this line is inside the ```(\S+) block opened at line (\d+), so it starts no ```(\S+) step \(a fence line with a word after it closes nothing\); is the closing ``` of the block above missing\?$"#,
         "이 줄은 $2번째 줄에서 연 ```$1 블록 안에 있어 ```$3 단계를 시작하지 않습니다(뒤에 낱말이 붙은 펜스 줄은 블록을 닫지 못합니다). 위 블록을 닫는 ```이 빠졌나요?"),
        (#"^this ```answer block is inside an HTML block, so it is not read; leave a blank line after the HTML tag above it$"#,
         "이 ```answer 블록은 HTML 블록 안에 있어 읽히지 않습니다. 위의 HTML 태그 다음에 빈 줄을 두세요"),
        (#"^this ```answer block is inside a quote or a list item, so it is not read; write it at the top level, not after > or a list marker$"#,
         "이 ```answer 블록은 인용문이나 목록 항목 안에 있어 읽히지 않습니다. > 나 목록 표시 없이 맨 바깥에 쓰세요"),
        (#"^'(.*)' is not a solution marker, so the text after it is shown to students; write <!-- solution --> and <!-- end solution --> exactly$"#,
         "'$1'은(는) 풀이 표시가 아니어서 그 뒤의 글이 학생에게 보입니다. <!-- solution -->과 <!-- end solution -->을 정확히 쓰세요"),
        (#"^<!-- solution --> inside a solution region: regions do not nest, so the first <!-- end solution --> ends the region and the text after it is shown to students; remove the inner markers$"#,
         "풀이 구역 안에 <!-- solution -->이 또 있습니다. 구역은 겹칠 수 없어 첫 <!-- end solution -->에서 구역이 끝나고 그 뒤의 글이 학생에게 보입니다. 안쪽 표시를 지우세요"),
        (#"^<!-- end solution --> with no <!-- solution --> before it, so the text above it is shown to students; put <!-- solution --> where the teacher-only text starts$"#,
         "앞에 <!-- solution --> 없이 <!-- end solution -->이 있어 그 위의 글이 학생에게 보입니다. 교사만 볼 글이 시작하는 곳에 <!-- solution -->을 두세요"),
        (#"^this ```answer block is inside an HTML block, so it is not read and cannot be blanked in the assignment; leave a blank line after the HTML tag above it$"#,
         "이 ```answer 블록은 HTML 블록 안에 있어 읽히지 않고 과제에서 비울 수도 없습니다. 위의 HTML 태그 다음에 빈 줄을 두세요"),
        (#"^this ```(\S+) block is inside a list item or a quote, so it is not run and cannot be blanked in the assignment; write it at the top level, not indented$"#,
         "이 ```$1 블록은 목록 항목이나 인용문 안에 있어 실행하지 않고, 과제에서 비울 수도 없습니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is inside an HTML block, so it is not read, by stepmark check or by the grader; leave a blank line after the HTML tag above it$"#,
         "이 ```answer 블록은 HTML 블록 안에 있어 stepmark check에서도 채점에서도 읽지 않습니다. 위의 HTML 태그 다음에 빈 줄을 두세요"),
        (#"^this ```answer block is inside a list item or a quote, so it is not read, by stepmark check or by the grader; write it at the top level, not after > or a list marker$"#,
         "이 ```answer 블록은 목록 항목이나 인용문 안에 있어 stepmark check에서도 채점에서도 읽지 않습니다. > 나 목록 기호 뒤가 아니라 맨 바깥에 쓰세요"),
        (#"^the link definitions that open paragraphs pass 64 MB, more than stepmark reads, so those from here on would stay in a student's copy; shorten them$"#,
         "문단 첫머리의 링크 정의가 stepmark가 읽는 64 MB를 넘어, 여기부터의 정의는 학생 사본에 남습니다. 줄이세요"),
        (#"^this ```answer block is indented four spaces or more, so Markdown does not read it as a block and it is not read, by stepmark check or by the grader; write it at the top level, not indented$"#,
         "이 ```answer 블록은 네 칸 이상 들여 써서 Markdown이 블록으로 읽지 않으므로 stepmark check에서도 채점에서도 읽지 않습니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it cannot be blanked, and students would read its values as written; write it at the top level, not indented$"#,
         "이 ```answer 블록은 네 칸 이상 들여 써서 Markdown이 블록으로 읽지 않습니다. 가릴 수 없으므로 학생이 값을 쓴 그대로 읽게 됩니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it is no answer, and students see it as it is written; write it at the top level if it is one$"#,
         "이 ```answer 블록은 네 칸 이상 들여 써서 Markdown이 블록으로 읽지 않습니다. 답이 아니며 학생에게는 쓴 그대로 보입니다. 답이라면 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is inside a list item or a quote, so it is not read, by stepmark check or by the grader; write it at the top level, not indented$"#,
         "이 ```answer 블록은 목록 항목이나 인용문 안에 있어 stepmark check에서도 채점에서도 읽지 않습니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is inside a list item: stepmark check and the grader read it, but a page of this file shows only its messages while it is there; write it at the top level, not indented$"#,
         "이 ```answer 블록은 목록 항목 안에 있습니다. stepmark check와 채점은 읽지만, 이 블록이 있는 동안 이 파일의 페이지에는 안내문만 나옵니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is inside an HTML block: stepmark check and the grader read it, but a page of this file shows only its messages while it is there; leave a blank line after the HTML tag above it$"#,
         "이 ```answer 블록은 HTML 블록 안에 있습니다. stepmark check와 채점은 읽지만, 이 블록이 있는 동안 이 파일의 페이지에는 안내문만 나옵니다. 위의 HTML 태그 다음에 빈 줄을 두세요"),
        (#"^this ```answer block is part of the block above it for Markdown: stepmark check and the grader read it, but a page of this file shows only its messages while it is there; close that block, or leave a blank line before this one$"#,
         "이 ```answer 블록은 Markdown에서 위 블록의 일부로 읽힙니다. stepmark check와 채점은 읽지만, 이 블록이 있는 동안 이 파일의 페이지에는 안내문만 나옵니다. 위 블록을 닫거나 이 블록 앞에 빈 줄을 두세요"),
        (#"^this ```answer block is inside a list item: a page of this file shows only its messages while it is there; write it at the top level, not indented$"#,
         "이 ```answer 블록은 목록 항목 안에 있습니다. 이 블록이 있는 동안 이 파일의 페이지에는 안내문만 나옵니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^this ```answer block is inside an HTML block: a page of this file shows only its messages while it is there; leave a blank line after the HTML tag above it$"#,
         "이 ```answer 블록은 HTML 블록 안에 있습니다. 이 블록이 있는 동안 이 파일의 페이지에는 안내문만 나옵니다. 위의 HTML 태그 다음에 빈 줄을 두세요"),
        (#"^this ```answer block is part of the block above it for Markdown: a page of this file shows only its messages while it is there; close that block, or leave a blank line before this one$"#,
         "이 ```answer 블록은 Markdown에서 위 블록의 일부로 읽힙니다. 이 블록이 있는 동안 이 파일의 페이지에는 안내문만 나옵니다. 위 블록을 닫거나 이 블록 앞에 빈 줄을 두세요"),
        (#"^this ```(\S+) block is inside a list item or a quote, so it is not run; write it at the top level, not indented$"#,
         "이 ```$1 블록은 목록 항목이나 인용문 안에 있어 실행하지 않습니다. 들여쓰지 말고 맨 바깥에 쓰세요"),
        (#"^more closing tags that close nothing follow; each is left out$"#,
         "아무것도 닫지 않는 닫는 태그가 더 있습니다. 모두 뺍니다"),
        (#"^(\d+) more elements are not closed before a step, a solution marker or the end of the lesson; the page closes them there$"#,
         "요소 $1개가 더 단계, 풀이 표시 또는 강의 끝 전에 닫히지 않아 페이지가 그 자리에서 닫습니다"),
        (#"^more HTML elements that are not allowed follow; each is shown as text$"#,
         "허용되지 않는 HTML 요소가 더 있습니다. 모두 글자로 보입니다"),
        (#"^the attributes? (.*) of <(.*)> (?:is|are) dropped: HTML in prose carries no attributes \(only open on <details>\)$"#,
         "<$2>의 속성 $1은(는) 버립니다: 본문의 HTML 요소에는 속성을 쓸 수 없습니다(<details>의 open만 예외)"),
        (#"^HTML processing instructions are not allowed in prose, so this is shown as text$"#,
         "본문에는 HTML 처리 명령을 쓸 수 없어 글자로 보입니다"),
        (#"^HTML declarations are not allowed in prose, so this is shown as text$"#,
         "본문에는 HTML 선언을 쓸 수 없어 글자로 보입니다"),
        (#"^this line nests more than (\d+) block quotes or list items; a lesson may nest at most (\d+)$"#,
         "이 줄은 인용문이나 목록 항목을 $1단계보다 깊게 중첩합니다. 강의에서는 $2단계까지 중첩할 수 있습니다"),
        (#"^the lesson's link definitions \((\d+) bytes\) times its (\d+) '\[' pass (\d+); shorten the addresses or link to them less often$"#,
         "강의의 링크 정의($1바이트)에 '[' 수($2)를 곱한 값이 $3을(를) 넘습니다. 주소를 줄이거나 덜 자주 링크하세요"),
        (#"^the lesson's code blocks are too large for the Markdown reader \(their '\|', '\[', < & ! \] \\ \* _ ` \$ ~ and lines count a quarter each against the lesson's caps\); split it into several lessons$"#,
         "강의의 코드 블록이 마크다운 읽기에 너무 큽니다(코드 안의 '|', '[', < & ! ] \\ * _ ` $ ~와 줄은 강의 한도에 4분의 1씩 셉니다). 강의를 여러 개로 나누세요"),
        (#"^this word has too many '\)' for its length \((\d+) in (\d+) bytes; '\)' × bytes may be at most (\d+)\)$"#,
         "이 단어는 길이에 비해 ')'가 너무 많습니다($2바이트에 $1개; ')' 수 × 바이트 수는 $3까지)"),
        (#"^this word has more than (\d+) '\)'; a word in a lesson may have at most (\d+)$"#,
         "이 단어에는 ')'가 $1개보다 많습니다. 강의의 한 단어에는 $2개까지 쓸 수 있습니다"),
        (#"^this line has (\d+) '\|' \(table cells\); a table row in a lesson may have at most (\d+)$"#,
         "이 줄에는 '|'(표의 칸)이(가) $1개 있습니다. 강의의 표 한 행에는 $2개까지 쓸 수 있습니다"),
        (#"^the lesson has more than (\d+) '\|' \(table cells\) outside code blocks; split it into several lessons$"#,
         "강의의 코드 블록 밖에 '|'(표의 칸)이(가) $1개보다 많습니다. 강의를 여러 개로 나누세요"),
        (#"^the lesson has more than (\d+) '@' outside code blocks \(each e-mail address becomes a link\); split it into several lessons$"#,
         "강의의 코드 블록 밖에 '@'이(가) $1개보다 많습니다(전자우편 주소마다 링크가 됩니다). 강의를 여러 개로 나누세요"),
        (#"^this paragraph has more than (\d+) '<\?'; a blank line between parts keeps each paragraph small$"#,
         "이 문단에는 '<?'이(가) $1개보다 많습니다. 중간중간 빈 줄을 넣어 문단을 작게 나누세요"),
        (#"^this paragraph has more than (\d+) '\[' \(links and images\); a blank line between parts keeps each paragraph small$"#,
         "이 문단에는 '['(링크와 이미지)이(가) $1개보다 많습니다. 중간중간 빈 줄을 넣어 문단을 작게 나누세요"),
        (#"^the lesson has more than (\d+) of < & ! \] \\ \* _ ` \$ ~ outside code blocks; split it into several lessons$"#,
         "강의의 코드 블록 밖에 < & ! ] \\ * _ ` $ ~ 가 $1개보다 많습니다. 강의를 여러 개로 나누세요"),
        (#"^the lesson has more than (\d+) lines outside code blocks; split it into several lessons$"#,
         "강의의 코드 블록 밖 줄이 $1개보다 많습니다. 강의를 여러 개로 나누세요"),
        (#"^the lesson has more than (\d+) '\[' \(links and images\) outside code blocks; split it into several lessons$"#,
         "강의의 코드 블록 밖에 '['(링크와 이미지)이(가) $1개보다 많습니다. 강의를 여러 개로 나누세요"),
    ]

    // MARK: TeX (TeXMath, through ProseMarkup's "cannot read this formula")

    /// `TeXError` messages and their Korean.
    static let texProblems: [(String, String)] = [
        (#"a lone \\ at the end of the formula"#, #"수식 끝에 \\ 하나만 있습니다"#),
        (#"the formula nests more than (\d+) groups deep"#, "수식의 묶음이 $1겹보다 깊이 중첩되었습니다"),
        (#"this \{ is never closed with \}"#, "여기서 연 {에 짝이 되는 }이(가) 없습니다"),
        (#"this \[ of \\sqrt is never closed with \]"#, #"\\sqrt의 [에 짝이 되는 ]이(가) 없습니다"#),
        (#"this \\left is never closed with \\right"#, #"이 \\left에 짝이 되는 \\right가 없습니다"#),
        (#"\\begin\{(.*)\} is never closed with \\end\{.*\}"#, #"\\begin{$1}로 연 환경이 닫히지 않았습니다"#),
        (#"this \} closes no \{"#, "이 }에 짝이 되는 {이(가) 없습니다"),
        (#"\\right without a \\left before it"#, #"앞에 \\left 없이 \\right가 있습니다"#),
        (#"& separates the cells of a matrix; outside one write \\&"#, #"&는 행렬의 칸을 나눕니다. 행렬 밖에서는 \\&로 쓰세요"#),
        (#"\\end without a \\begin before it"#, #"앞에 \\begin 없이 \\end가 있습니다"#),
        (#"\\\\ starts a new row of a matrix; it has no meaning outside one"#, #"\\\\는 행렬의 새 행을 시작합니다. 행렬 밖에서는 뜻이 없습니다"#),
        (#"a second superscript on one base; group it, as in \{x\^a\}\^b"#, "한 밑에 위첨자가 두 개입니다. {x^a}^b처럼 묶으세요"),
        (#"a second subscript on one base; group it, as in \{x_a\}_b"#, "한 밑에 아래첨자가 두 개입니다. {x_a}_b처럼 묶으세요"),
        (#"(.*) is missing its argument"#, "$1의 인수가 없습니다"),
        (#"(.*) needs a \{…\} argument"#, "$1에는 {…} 인수가 필요합니다"),
        (#"\\(\w+) needs a delimiter such as \( or \\\{"#, #"\\$1 뒤에는 ( 나 \\{ 같은 구분 기호가 와야 합니다"#),
        (#"unknown environment \{(.*)\}; known: (.*)"#, "알 수 없는 환경 {$1}. 쓸 수 있는 환경: $2"),
        (#"unknown command \\(.*)"#, #"알 수 없는 명령 \\$1"#),
        (#"\\end\{(.*)\} does not close \\begin\{(.*)\}"#, #"\\end{$1}은(는) \\begin{$2}을(를) 닫지 않습니다"#),
    ]

    static let texPhrases: [(String, String)] = texProblems.map { english, korean -> (String, String) in
        (#"^cannot read this formula: \#(english); it is shown as TeX$"#, "이 수식을 읽을 수 없어 원문 그대로 보입니다: \(korean)")
    } + [
        (#"^cannot read this formula: (.*); it is shown as TeX$"#, "이 수식을 읽을 수 없어 원문 그대로 보입니다: $1"),
        (#"^this \$\$ opens a display formula that no \$\$ closes in its paragraph \(a blank line ends it\), so it is shown as text$"#,
         "이 $$로 시작한 수식을 문단 안에서 닫는 $$가 없어(빈 줄에서 문단이 끝납니다) 글자 그대로 보입니다"),
    ]

    // MARK: front matter and course.yml (FrontMatter, CourseFile)

    static let frontMatterPhrases: [(String, String)] = [
        (#"^the front matter opened here with --- is never closed with a --- line$"#,
         "여기서 ---로 연 머리말(YAML)이 --- 줄로 닫히지 않았습니다"),
        (#"; a value that holds ': ' needs quotes, as in title: "Attention: a first look"$"#,
         "; ': '가 들어간 값은 title: \"어텐션: 첫걸음\"처럼 따옴표로 감싸야 합니다"),
        // The Korean of libyaml's tab messages already says to indent with spaces.
        (#"; indent with spaces, not tabs$"#, ""),
        (#"^the front matter is not valid YAML: (.*)$"#, "머리말이 올바른 YAML이 아닙니다: $1"),
        (#"^the front matter is not valid YAML$"#, "머리말이 올바른 YAML이 아닙니다"),
        (#"^the front matter must be `key: value` lines \(a YAML mapping\)$"#, "머리말은 `키: 값` 꼴의 줄(YAML 매핑)이어야 합니다"),
        (#"^(\S+): expects text, not a list or mapping$"#, "$1:에는 목록이나 매핑이 아닌 텍스트가 와야 합니다"),
        (#"^variant: expects a whole number from 0 to (\d+) \(stepmark assign writes it\), got (.*)$"#,
         "variant:에는 0부터 $1까지의 정수가 와야 합니다(`stepmark assign`이 씁니다). 받은 값: $2"),
        (#"^variant: write it as stepmark assign does, a whole number in digits \(no sign, no leading zero\) on a line of its own, got `(.*)`$"#,
         "variant:는 `stepmark assign`이 쓰는 대로 한 줄에 숫자로만 적어야 합니다(부호 없이, 0으로 시작하지 않게). 받은 줄: `$1`"),
        (#"^YAML reads this line as part of another value, but the grader reads it as the variant: line \(it reads the lines that start with variant: without YAML\); reword or indent it$"#,
         "YAML은 이 줄을 다른 값의 일부로 읽지만 채점기는 variant: 줄로 읽습니다(variant:로 시작하는 줄은 YAML 없이 읽습니다). 말을 바꾸거나 들여 쓰세요"),
        (#"^exercise-defaults: (points|tol) expects a number ≥ 0, got (.*)$"#, "exercise-defaults: $1에는 0 이상의 숫자가 와야 합니다(받은 값: $2)"),
        (#"^exercise-defaults: partial expects true or false, got (.*)$"#, "exercise-defaults: partial에는 true나 false가 와야 합니다(받은 값: $1)"),
        (#"^exercise-defaults: '(.*?)' is not one of points, tol and partial, so it is ignored"#,
         "exercise-defaults: '$1'은(는) points, tol, partial 중 하나가 아니어서 무시됩니다"),
        (#"^'(.*?)' is not a front matter key stepmark reads, so it is ignored"#, "'$1'은(는) stepmark가 읽는 머리말 키가 아니어서 무시됩니다"),
        (#"^lang: '(.*?)' is neither en nor ko, the languages stepmark writes in, so its words are English \(Korean is ko\)$"#,
         "lang: '$1'은(는) stepmark가 쓰는 언어인 en도 ko도 아니어서 stepmark의 말은 영어로 씁니다(한국어는 ko)"),
        (#"^exercise-defaults: expects `points:`, `tol:` and `partial:` on indented lines below it$"#,
         "exercise-defaults: 아래에 들여쓴 줄로 `points:`, `tol:`, `partial:`을(를) 써야 합니다"),
    ]

    static let coursePhrases: [(String, String)] = [
        (#"^course\.yml is not valid YAML: (.*)$"#, "course.yml이 올바른 YAML이 아닙니다: $1"),
        (#"^course\.yml is not valid YAML$"#, "course.yml이 올바른 YAML이 아닙니다"),
        (#"^course\.yml must be `key: value` lines \(a YAML mapping\) with title, description, lang and lessons$"#,
         "course.yml은 title, description, lang, lessons를 담은 `키: 값` 꼴의 줄(YAML 매핑)이어야 합니다"),
        (#"^course\.yml: unknown key '(.*)' \(expected (.*)\)$"#, "course.yml: 알 수 없는 키 '$1'(쓸 수 있는 키: $2)"),
        (#"^lessons: expects a list of lesson file names, one per `- ` line$"#, "lessons:에는 `- ` 줄마다 하나씩 강의 파일 이름의 목록이 와야 합니다"),
        (#"^lessons: '(.*)' is not a lesson in this folder \(it has none\)$"#, "lessons: '$1'은(는) 이 폴더의 강의가 아닙니다(폴더에 강의가 없습니다)"),
        (#"^lessons: '(.*)' is not a lesson in this folder \(it has (.*)\)$"#, "lessons: '$1'은(는) 이 폴더의 강의가 아닙니다(폴더의 강의: $2)"),
        (#"^lessons: '(.*)' is listed twice$"#, "lessons: '$1'이(가) 두 번 나옵니다"),
        (#"^lang: expects ko or en, got '(.*)'$"#, "lang:에는 ko나 en이 와야 합니다(받은 값: '$1')"),
    ]

    /// libyaml's own words (`describe`), after "… is not valid YAML: " (of the front matter or
    /// of course.yml) has become Korean.
    static let yamlPhrases: [(String, String)] = [
        (#"(?<=YAML이 아닙니다: )a key is given twice: (.*)$"#, "같은 키가 두 번 나옵니다: $1"),
        (#"(?<=YAML이 아닙니다: )while scanning a simple key, could not find expected ':'$"#, "키 뒤에 ':'이(가) 없습니다"),
        (#"(?<=YAML이 아닙니다: )mapping values are not allowed in this context(?=;|$)"#, "이 자리에는 `키: 값`을 쓸 수 없습니다"),
        (#"(?<=YAML이 아닙니다: )while parsing a block mapping, did not find expected key$"#, "블록 매핑을 읽는 중에 있어야 할 키가 없습니다"),
        (#"(?<=YAML이 아닙니다: )while parsing a block collection, did not find expected '-' indicator$"#, "목록을 읽는 중에 있어야 할 '-'이(가) 없습니다"),
        (#"(?<=YAML이 아닙니다: )while scanning a quoted scalar, found unexpected end of stream$"#, "따옴표로 연 값이 닫히지 않은 채 끝났습니다"),
        (#"(?<=YAML이 아닙니다: )while scanning for the next token, found character that cannot start any token$"#, "값을 시작할 수 없는 문자가 있습니다"),
        (#"(?<=YAML이 아닙니다: )while parsing a flow sequence, did not find expected ',' or '\]'$"#, "[…] 목록에 있어야 할 ',' 또는 ']'이(가) 없습니다"),
        (#"(?<=YAML이 아닙니다: )while parsing a flow mapping, did not find expected ',' or '\}'$"#, "{…} 매핑에 있어야 할 ',' 또는 '}'이(가) 없습니다"),
        (#"(?<=YAML이 아닙니다: )while scanning an alias, did not find expected alphabetic or numeric character$"#, "별칭(*) 뒤에 이름이 없습니다"),
        (#"(?<=YAML이 아닙니다: )found undefined tag handle$"#, "정의되지 않은 태그(!)가 있습니다"),
        (#"(?<=YAML이 아닙니다: )found unknown escape character$"#, "알 수 없는 이스케이프 문자가 있습니다"),
        (#"(?<=YAML이 아닙니다: )found a tab character that violates indentation$"#, "들여쓰기에 탭 문자가 있습니다(공백으로 들여쓰세요)"),
        (#"(?<=YAML이 아닙니다: )found a tab character where an indentation space is expected$"#, "들여쓰기 공백 자리에 탭 문자가 있습니다(공백으로 들여쓰세요)"),
        // The loader's own limits and checks (YAMLDocument), in libyaml's manner.
        (#"(?<=YAML이 아닙니다: )found undefined alias$"#, "정의되지 않은 별칭(*)이 있습니다"),
        (#"(?<=YAML이 아닙니다: )the aliases \(\*\) repeat more than (\d+) values$"#, "별칭(*)이 되풀이하는 값이 $1개를 넘습니다"),
        (#"(?<=YAML이 아닙니다: )a key must be a single value, not a list or mapping$"#, "키는 목록이나 매핑이 아닌 값 하나여야 합니다"),
        (#"(?<=YAML이 아닙니다: )lists and mappings are nested more than (\d+) deep$"#, "목록과 매핑이 $1단계보다 깊게 겹쳐 있습니다"),
        (#"(?<=YAML이 아닙니다: )expected a single document in the stream, but found another document$"#, "문서는 하나여야 하는데 다른 문서가 또 있습니다"),
    ]

    // MARK: what a value is (`Value.summary`) and a shortened quote (`String.quotable`)

    static let summaryPhrases: [(String, String)] = valueSummaryPhrases + [
        (#"… \((\d+) characters\)"#, "… ($1자)"),
    ]

    /// `Value.summary` where Korean follows it: "이 값은 a 2×3 matrix입니다" → "이 값은 2×3
    /// 행렬입니다". English follows a summary only in an English message, so these never touch a
    /// message that other phrases have still to match. The grade phrases, which apply after the
    /// directives' ones, use them again for the summaries the directives' Korean quotes.
    static let summaryEnd = #"(?=입니다|인데|이지만|이므로|이라서|이고|이며)"#
    static let valueSummaryPhrases: [(String, String)] = [
        (#"(?<![A-Za-z])a number"# + summaryEnd, "숫자"),
        (#"(?<![A-Za-z])a vector of (\d+)"# + summaryEnd, "항목 $1개짜리 벡터"),
        (#"(?<![A-Za-z])a (\d+)×(\d+) matrix"# + summaryEnd, "$1×$2 행렬"),
        (#"(?<![A-Za-z])a token list of (\d+)"# + summaryEnd, "토큰 $1개짜리 토큰 목록"),
        (#"(?<![A-Za-z] )(?<![A-Za-z])text"# + summaryEnd, "텍스트"),
        (#"(?<![A-Za-z])a table of (\d+) rows"# + summaryEnd, "$1행짜리 표"),
        (#"(?<![A-Za-z])a network"# + summaryEnd, "신경망"),
    ]
}
