import Foundation
import Testing
@testable import StepmarkLesson
import StepmarkRender

/// SPEC §8: in a Korean lesson the directives' own errors are Korean (the patterns of
/// `Phrasebook.directiveErrorPhrases`). Each case is a small Korean lesson that makes one
/// directive fail with the message holding `english`; the Korean of that message may keep only
/// the lesson's own words and the code words of `codeWords`.
@Suite struct KoreanDirectiveErrorsTests {
    struct Case: Sendable, CustomStringConvertible {
        let english: String
        let lesson: String
        var maxEntries: Int? = nil
        init(_ english: String, _ lesson: String, maxEntries: Int? = nil) {
            self.english = english
            self.lesson = lesson
            self.maxEntries = maxEntries
        }
        var description: String { english }
    }

    /// Words a Korean message keeps because they are code: commands (`make model`), model
    /// and file-format names, argument values to type (`model=bigram`), the literal `inf`, and
    /// the argument and column names of a code example (`label(E, rows=[…])`, `left, right, count`).
    static let codeWords: Set<String> = [
        "make", "all", "MiniLM", "bigram", "inf", "npy", "UTF", "GloVe", "numpy",
        "label", "rows", "left", "right", "count", "loss", "NaN",
    ]

    /// Every directive name and argument key: code in any message.
    static let directiveWords: Set<String> = Set(DirectiveRegistry.all.flatMap { d in [d.name] + d.arguments.map(\.name) })

    /// The English words of `korean` that are neither allowed nor part of a command-line flag
    /// (`--max-entries` must stay as written) or a file path.
    static func englishWords(_ korean: String, allowed: Set<String>) -> [String] {
        let text = korean.replacingOccurrences(of: #"--[a-z-]+|\S*/\S*"#, with: " ", options: .regularExpression)
        return StringsTests.englishWords(text, allowed: allowed.union(codeWords).union(directiveWords))
    }

    static let cases: [Case] = [
        Case("align takes no body", "```align text=T image=I\n1\n```"),
        Case("align needs text=NAME", "```align image=I\n```"),
        Case("align needs image=NAME", "```let\nT = [[1, 0], [0, 1]]\n```\n\n```align text=T\n```"),
        Case("text= needs a matrix", "```let\nT = [1, 2]\nI = [[1, 0]]\n```\n\n```align text=T image=I\n```"),
        Case("image=[…] lists pictures", "```let\nT = [[1, 0]]\nx = 3\n```\n\n```align text=T image=[x]\n```"),
        Case("image= needs a matrix", "```let\nT = [[1, 0]]\nI = [1, 2]\n```\n\n```align text=T image=I\n```"),
        Case("align needs one picture per caption", "```let\nT = [[1, 0], [0, 1]]\nI = [[1, 0]]\n```\n\n```align text=T image=I\n```"),
        Case("wt= needs a matrix (d_t × d)", "```let\nT = [[1, 0]]\nI = [[1, 0]]\nw = [1, 2]\n```\n\n```align text=T image=I wt=w\n```"),
        Case("shape mismatch: wt=", "```let\nT = [[1, 0]]\nI = [[1, 0]]\nW = [[1, 0]]\n```\n\n```align text=T image=I wt=W\n```"),
        Case("shape mismatch: wi=", "```let\nT = [[1, 0]]\nI = [[1, 0]]\nW = [[1, 0]]\n```\n\n```align text=T image=I wi=W\n```"),
        Case("both must project to the same width", "```let\nT = [[1, 0]]\nI = [[1, 0]]\nA = [[1, 0], [0, 1]]\nB = [[1], [0]]\n```\n\n```align text=T image=I wt=A wi=B\n```"),
        Case("answer needs the exercise id", "```answer\n1\n```"),
        Case("the words after", "```answer e1 e2\n1\n```"),
        Case("the answer is empty", "```answer e1\n```"),
        Case("after the answer; write one literal", "```answer e1\n1 2\n```"),
        Case("this list mixes entries and rows", "```answer e1\n[1, [2]]\n```"),
        Case("this matrix mixes rows and entries", "```answer e1\n[[1], 2]\n```"),
        Case("every row needs the same number", "```answer e1\n[[1, 2], [3]]\n```"),
        Case("at most two levels of brackets", "```answer e1\n[[[1]]]\n```"),
        Case("expected ',' or ']' here", "```answer e1\n[1 2]\n```"),
        Case("unexpected ']' with no '['", "```answer e1\n]\n```"),
        Case("unexpected ','; expected", "```answer e1\n,\n```"),
        Case("is a call", "```answer e1\nf(1)\n```"),
        Case("is not a literal", "```answer e1\nfoo\n```"),
        Case("operators are not allowed", "```answer e1\n1 + 2\n```"),
        Case("a sign must be followed by a number", "```answer e1\n-x\n```"),
        Case("an exponent needs digits", "```answer e1\n1e\n```"),
        Case("names and units are not allowed", "```answer e1\n3kg\n```"),
        Case("is too long", "```answer e1\n1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111\n```"),
        Case("is too large to represent; write inf", "```answer e1\n1e999\n```"),
        Case("attend's body assigns only", "```attend\nQ = [[1, 0]]\nK = Q\nV = Q\nW = Q\n```"),
        Case("scale= must be a positive number", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\n```\n\n```attend scale=-1\n```"),
        Case("labels= has 2 tokens", "```let\nQ = [[1, 0], [0, 1], [1, 1]]\nK = Q\nV = Q\nL = [\"a\", \"b\"]\n```\n\n```attend labels=L\n```"),
        Case("must divide the number of columns", "```let\nQ = [[1, 0], [0, 1]]\nK = Q\nV = Q\n```\n\n```attend heads=3\n```"),
        Case("must be a vector or a matrix", "```let\nQ = 1\nK = [[1, 0]]\nV = K\n```\n\n```attend\n```"),
        Case("wo= must name a matrix", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\nx = 1\n```\n\n```attend wo=x\n```"),
        Case("labels= must name a token list", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\nx = 1\n```\n\n```attend labels=x\n```"),
        Case("give either target=", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\n```\n\n```attend target=Q grad=Q\n```"),
        Case("loss= needs target=", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\n```\n\n```attend loss=mse grad=Q\n```"),
        Case("must name a tensor of the output's shape", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\nL = [\"a\"]\n```\n\n```attend target=L\n```"),
        Case("must have the output's shape", "```let\nQ = [[1, 0]]\nK = Q\nV = Q\nT = [[1, 0, 0]]\n```\n\n```attend target=T\n```"),
        Case("bpe needs merges=N", "```bpe\nlow lower\n```"),
        Case("bpe needs a corpus", "```bpe merges=2\n```"),
        Case("loss=bce needs outputs between 0 and 1", "```network layers=2,1 output=linear\n```\n\n```backprop loss=bce\n0 1 -> 1\n```"),
        Case("backprop needs examples in its body", "```network layers=2,1\n```\n\n```backprop\n```"),
        Case("there is no '->'", "```network layers=2,1\n```\n\n```backprop\n0 1 1\n```"),
        Case("this example has 3 inputs", "```network layers=2,1\n```\n\n```backprop\n0 1 1 -> 1\n```"),
        Case("targets after '->'", "```network layers=2,1\n```\n\n```backprop\n0 1 -> 1 0\n```"),
        Case("loss=bce needs targets between 0 and 1", "```network layers=2,1 output=sigmoid\n```\n\n```backprop loss=bce\n0 1 -> 2\n```"),
        Case("expected a number, got", "```network layers=2,1\n```\n\n```forward\n0 abc\n```"),
        Case("forward needs inputs in its body", "```network layers=2,1\n```\n\n```forward\n```"),
        Case("per example (W1 has shape", "```network layers=2,1\n```\n\n```let\nX = [[1, 2, 3]]\n```\n\n```forward\nX\n```"),
        Case("numbers but the network", "```network layers=2,1\n```\n\n```forward\n1 2 3\n```"),
        Case("forward needs numbers as inputs", "```network layers=2,1\n```\n\n```let\nL = [\"a\"]\n```\n\n```forward\nL\n```"),
        Case("a network block assigns only", "```network layers=2,1\nx = 1\n```"),
        Case("is given twice", "```network layers=2,1\nW1 = [[1], [2]]\nW1 = [[1], [2]]\n```"),
        Case("must be numbers, but it is", "```network layers=2,1\nW1 = [\"a\"]\n```"),
        Case("W3 does not exist", "```network layers=2,1\nW3 = [[1]]\n```"),
        Case("(fan_in 2 × fan_out 1)", "```network layers=2,1\nW1 = [[1, 2]]\n```"),
        Case("b3 does not exist", "```network layers=2,1\nb3 = [1]\n```"),
        Case("one entry per unit of layer", "```network layers=2,1\nb1 = [1, 2]\n```"),
        Case("needs at least two sizes", "```network layers=2\n```"),
        Case("every layer needs at least 1", "```network layers=2,0,1\n```"),
        Case("network needs its layer sizes", "```network\n```"),
        Case("without layers= every weight", "```network\nW2 = [[1]]\n```"),
        Case("must be a matrix (fan_in × fan_out)", "```network\nW1 = [1, 2]\n```"),
        Case("the layer sizes do not chain", "```network\nW1 = [[1, 2]]\nW2 = [[1], [2], [3]]\n```"),
        Case("not a network", "```let\nn = 1\n```\n\n```forward net=n\n1 2\n```"),
        Case("give either table=", "```classify table=E model=M\npos: a\n```"),
        Case("at least two classes", "```embeddings\ngood: [1, 0]\n```\n\n```classify\npos: good\npos: good\n```"),
        Case("never occurs in the training lines", "```embeddings\ngood: [1, 0]\nbad: [0, 1]\n```\n\n```classify\npos: good\nneg: bad\n---\npoz: good\n```"),
        Case("a second '---' line", "```embeddings\ngood: [1, 0]\nbad: [0, 1]\n```\n\n```classify\npos: good\nneg: bad\n---\npos: good\n---\n```"),
        Case("this one has no ':'", "```embeddings\ngood: [1, 0]\n```\n\n```classify\ngood\n```"),
        Case("the label before ':' is empty", "```embeddings\ngood: [1, 0]\n```\n\n```classify\n: good\n```"),
        Case("is empty", "```embeddings\ngood: [1, 0]\n```\n\n```classify\npos:\n```"),
        Case("classify needs training lines", "```embeddings\ngood: [1, 0]\n```\n\n```classify\n```"),
        Case("is not in the embedding table", "```embeddings\ngood: [1, 0]\nbad: [0, 1]\n```\n\n```embed\ngod\n```"),
        Case("embed needs text in its body", "```embeddings\ngood: [1, 0]\n```\n\n```embed\n```"),
        Case("matrix without token labels", "```let\nE = [[1, 0], [0, 1]]\n```\n\n```embed\na\n```"),
        Case("must be an embedding table", "```let\nE = 1\n```\n\n```embed\na\n```"),
        Case("either in the block or in from=", "```embeddings from=\"v.txt\"\na: [1]\n```"),
        Case("needs from=FILE.npy", "```embeddings vocab=V\na: [1]\n```"),
        Case("this embeddings block is empty", "```embeddings\n```"),
        Case("the quoted token is not closed", "```embeddings\n\"a: [1]\n```"),
        Case("expected 'token: [v1, v2, …]'", "```embeddings\na [1]\n```"),
        Case("the token before ':' is missing", "```embeddings\n: [1]\n```"),
        Case("already has a vector on line", "```embeddings\na: [1]\na: [2]\n```"),
        Case("has no vector after the colon", "```embeddings\na:\n```"),
        Case("every row needs the same length", "```embeddings\na: [1]\nb: [1, 2]\n```"),
        Case("must be a list of numbers like", "```embeddings\na: \"x\"\n```"),
        Case("encode needs a sentence in its body", "```embeddings\na: [1, 0]\n```\n\n```encode\n```"),
        Case("one per embedding dimension of", "```embeddings\na: [1, 0]\n```\n\n```let\nW = [[1, 0, 0]]\n```\n\n```encode wq=W\na\n```"),
        Case("Q and K need the same width", "```embeddings\na: [1, 0]\n```\n\n```let\nA = [[1, 0], [0, 1]]\nB = [[1], [0]]\n```\n\n```encode wq=A wk=B\na\n```"),
        Case("must divide the widths of Q and K", "```embeddings\na: [1, 0]\n```\n\n```encode heads=3\na\n```"),
        Case("residual=true adds X", "```embeddings\na: [1, 0]\n```\n\n```let\nB = [[1], [0]]\n```\n\n```encode wv=B residual=true\na\n```"),
        Case("is not in the embedding table E (its tokens", "```embeddings\na: [1, 0]\n```\n\n```encode\nb\n```"),
        Case("this corpus is empty", "```corpus\n```"),
        Case("generate needs model=bigram", "```generate\nthe\n```"),
        Case("temperature= must be a number ≥ 0", "```corpus\na b\n```\n\n```generate model=bigram temperature=-1\na\n```"),
        Case("table= is for model=attention", "```corpus\na b\n```\n\n```generate model=bigram table=E\na\n```"),
        Case("smoothing= must be a number ≥ 0", "```corpus\na b\n```\n\n```generate model=bigram smoothing=-1\na\n```"),
        Case("never appears in", "```corpus\na b\n```\n\n```generate model=bigram\nz\n```"),
        Case("is for model=bigram", "```embeddings\na: [1, 0]\n```\n\n```generate model=attention corpus=c\na\n```"),
        Case("generate needs a prompt", "```corpus\na b\n```\n\n```generate model=bigram\n```"),
        Case("the bigram model needs a corpus", "```let\nc = \"  \"\n```\n\n```generate model=bigram corpus=c\na\n```"),
        Case("corpus= must name a text", "```let\nc = 1\n```\n\n```generate model=bigram corpus=c\na\n```"),
        Case("image needs name=NAME", "```image\n@\n```"),
        Case("has no pixels", "```image name=p\n```"),
        Case("takes no pixels in its body", "```image name=a\n@\n```\n\n```image name=s stack=[a]\n@\n```"),
        Case("needs at least one picture name", "```image name=s stack=[]\n```"),
        Case("expects picture names", "```image name=s stack=[1]\n```"),
        Case("stack= needs pictures", "```let\nL = [\"a\"]\n```\n\n```image name=s stack=[L]\n```"),
        Case("but the first row", "```image name=p\n1 0\n1\n```"),
        Case("this let block assigns nothing", "```let\n```"),
        Case("this show block names nothing", "```show\n```"),
        Case("softmax needs a vector, a matrix or a name", "```softmax\n```"),
        Case("softmax needs numbers", "```let\nL = [\"a\"]\n```\n\n```softmax\nL\n```"),
        Case("project takes no body", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```project\na\n```"),
        Case("model needs from=", "```model\n```"),
        Case("does not exist or is not a folder", "```model from=\"no/such/folder\"\n```"),
        Case("no model 'nosuchmodel' in", "```model from=nosuchmodel\n```"),
        Case("from= expects a model name", "```model from=[1]\n```"),
        Case("no model named", "```sentences\na\n```"),
        Case("must name a model loaded by a model block", "```let\nm = 1\n```\n\n```sentences model=m\na\n```"),
        Case("exclude= expects a list of tokens", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest exclude=[[1]]\na\n```"),
        Case("which is not a token of", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest exclude=[\"c\"]\na\n```"),
        Case("nearest needs a query in its body", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest\n```"),
        Case("nor a defined name", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest\nzz\n```"),
        Case("the query has 3 entries", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest\n[1, 2, 3]\n```"),
        Case("reads as a sentence: a text query needs model=", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest\na kitten on a carpet\n```"),
        Case("nothing is left to rank", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest exclude=[\"b\"]\na\n```"),
        Case("the query must be one vector", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```nearest\n[[1, 0], [0, 1]]\n```"),
        Case("each line compares two things", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```similarity\na b a\n```"),
        Case("nor a defined vector", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```similarity\na zz\n```"),
        Case("no table E is defined", "```similarity\na b\n```"),
        Case("the table E is undefined because the embeddings step at", "```embeddings\na: [1, 0]\nb: [0, 1, 2]\n```\n\n```similarity\na b\n```"),
        Case("must be a vector to compare", "```embeddings\na: [1, 0]\nb: [0, 1]\n```\n\n```let\nM = [[1, 0], [0, 1]]\n```\n\n```similarity\na M\n```"),
        Case("plot needs at least one series", "```plot\n```"),
        Case("plot draws at most", "```let\nv = [1, 2]\n```\n\n```plot\nv\nv\nv\nv\nv\nv\nv\nv\nv\nv\nv\nv\nv\n```"),
        Case("two series are labelled", "```let\nv = [1, 2]\n```\n\n```plot\na: v\na: v\n```"),
        Case("draws y on a logarithmic axis", "```let\nv = [1, 0]\n```\n\n```plot log=true\nv\n```"),
        Case("at most as many points as x=", "```let\nv = [1, 2, 3]\nx = [1, 2]\n```\n\n```plot x=x\nv\n```"),
        Case("one point per x", "```let\nv = [1, 2, 3]\nx = [1, 2]\n```\n\n```plot x=x kind=scatter\nv\n```"),
        Case("is empty; write `label: NAME`", "```let\nv = [1, 2]\n```\n\n```plot\n: v\n```"),
        Case("labels nothing", "```let\nv = [1, 2]\n```\n\n```plot\nzz:\n```"),
        Case("expected a NAME or TABLE.column", "```let\nv = [1, 2]\n```\n\n```plot\nv-1\n```"),
        Case("not a vector: plot draws", "```let\nM = [[1, 2], [3, 4]]\n```\n\n```plot\nM\n```"),
        Case("without named columns", "```let\nv = [1, 2]\n```\n\n```plot\nv.a\n```"),
        Case("has no column", "```train x=2 y=3 steps=3 history=h\n```\n\n```plot\nh.los\n```"),
        Case("tokenize needs text in its body", "```tokenize\n```"),
        Case("and neither is the unknown token", "```vocab\na b\n```\n\n```tokenize vocab=vocab\nzz\n```"),
        Case("is the unknown token '[UNK]' (a word no piece", "```vocab\na b\n```\n\n```tokenize method=wordpiece\nzz\n```"),
        Case("method=wordpiece needs a vocabulary", "```tokenize method=wordpiece\na\n```"),
        Case("method=bpe needs learned merges", "```tokenize method=bpe\na\n```"),
        Case("merges= must name the merges", "```let\nm = 1\n```\n\n```tokenize method=bpe merges=m\na\n```"),
        Case("vocab= must name a vocabulary", "```let\nv = 1\n```\n\n```tokenize method=wordpiece vocab=v\na\n```"),
        Case("appears twice", "```vocab\na b a\n```"),
        Case("this vocabulary is empty", "```vocab\n```"),
        Case("not both", "```train x=2 y=3\n1 2\n```"),
        Case("y= is given but x= is missing", "```train y=3\n```"),
        Case("x= is given but y= is missing", "```train x=3\n```"),
        Case("train needs one y per x", "```train x=[1, 2] y=[1]\n```"),
        Case("train needs data", "```train\n```"),
        Case("each data line holds two numbers", "```train\n1 2 3\n```"),
        Case("expects numbers, like", "```train x=[1, a] y=[1, 2]\n```"),
        Case("got a quoted string", "```train x=\"a\" y=1\n```"),
        Case("needs at least one number", "```train x=[] y=[]\n```"),
        Case("must name a number or a vector", "```let\nM = [[1, 2], [3, 4]]\n```\n\n```train x=M y=1\n```"),
        Case("train_attention needs target=", "```let\nX = [[1, 0]]\n```\n\n```train_attention\n```"),
        Case("give one target per sequence", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=[X, X]\n```"),
        Case("every sequence needs the same number of columns", "```let\nA = [[1, 0]]\nB = [[1, 0, 0]]\n```\n\n```train_attention x=[A, B] target=[A, A]\n```"),
        Case("one row per column of X", "```let\nX = [[1, 0]]\nW = [[1, 0]]\n```\n\n```train_attention target=X wq=W\n```"),
        Case("W_Q and W_K need the same number of columns", "```let\nX = [[1, 0]]\nA = [[1, 0], [0, 1]]\nB = [[1], [0]]\n```\n\n```train_attention target=X wq=A wk=B\n```"),
        Case("wo= needs one row per column of W_V", "```let\nX = [[1, 0]]\nW = [[1, 0]]\n```\n\n```train_attention target=X wo=W\n```"),
        Case("must divide the columns of W_Q/W_K", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X heads=3\n```"),
        Case("one column per output", "```let\nX = [[1, 0], [0, 1]]\nT = [[1, 0]]\n```\n\n```train_attention target=T\n```"),
        Case("record= would keep", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X epochs=100 record=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n```", maxEntries: 5),
        Case("needs at least one name", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=[]\n```"),
        Case("expects names, like", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=[1]\n```"),
        Case("must name a matrix with one row per token", "```let\nX = [[1, 0]]\nv = 1\n```\n\n```train_attention target=v\n```"),
        Case("token lists but there", "```let\nX = [[1, 0]]\nL = [\"a\"]\n```\n\n```train_attention target=X labels=[L, L]\n```"),
        Case("tokens but its sequence has", "```let\nX = [[1, 0]]\nL = [\"a\", \"b\"]\n```\n\n```train_attention target=X labels=L\n```"),
        Case("learn= takes the letters", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X learn=qz\n```"),
        Case("there is no output projection", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X learn=qo\n```"),
        Case("record= needs at least one epoch", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X record=[]\n```"),
        Case("record= holds epoch", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X epochs=5 record=[9]\n```"),
        Case("at most 64 are shown", "```let\nX = [[1, 0]]\n```\n\n```train_attention target=X epochs=100 record=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69]\n```"),
        Case("the examples have", "```network layers=2,1\n```\n\n```backprop\n0 1 -> 1\n1 0 -> 0\n```", maxEntries: 5),
        Case("the inputs have", "```network layers=2,1\n```\n\n```forward\n0 1\n1 0\n1 1\n```", maxEntries: 5),
        Case("W1 would have", "```network layers=20,20\n```", maxEntries: 100),
        Case("the similarity matrix of", "```embeddings\na: [1]\nb: [1]\nc: [1]\n```\n\n```similarity\n```", maxEntries: 5),
        Case("would bring series to", "```let\nv = [1, 2, 3, 4]\n```\n\n```plot\nv\n```", maxEntries: 5),
    ]

    @Test(arguments: cases) func directiveErrorIsKorean(_ c: Case) throws {
        var limits = Limits()
        if let n = c.maxEntries { limits.maxEntries = n }
        let markdown = "---\nlang: ko\n---\n\n" + c.lesson + "\n"
        let lesson = LessonParser.parse(markdown, path: "lesson.md")
        let report = Runner(limits: limits).run(lesson)
        let messages = (report.errors + report.warnings).map(\.message)
        let hits = messages.filter { $0.contains(c.english) }
        #expect(!hits.isEmpty, "no message holds \(c.english): \(messages)")
        let allowed = KoreanErrorMessagesTests.words(of: c.lesson)
            .union(StringsTests.identifiers(of: lesson, report: report))
            .union(KoreanErrorMessagesTests.codeWords).union(Self.codeWords)
        for message in hits {
            let korean = Phrasebook.message(message, .korean)
            #expect(Self.englishWords(korean, allowed: allowed).isEmpty, "\(message)\n→ \(korean)")
        }
    }

    /// The terminal report of a Korean lesson shows the Korean message.
    @Test func terminalReportIsKorean() {
        let report = runLesson("---\nlang: ko\n---\n\n```show\n```\n")
        let text = TerminalRenderer().render(report)
        #expect(text.contains("이 show 블록에는 이름이 없습니다. 줄마다 이름을 하나씩 쓰세요"))
        #expect(!text.contains("this show block names nothing"))
    }

    @Test func exactTranslations() {
        func ko(_ m: String) -> String { Phrasebook.message(m, .korean) }
        // A limit names the flag that raises it.
        #expect(ko("the inputs have 6 entries, over the limit of 5 (raise it with --max-entries)")
            == "입력의 항목이 6개로 한도 5개를 넘습니다(--max-entries로 한도를 올리세요)")
        #expect(ko("align needs text=NAME: the text features, one row per caption")
            == "align에는 text=이름이 필요합니다: 캡션마다 한 행인 텍스트 특징입니다")
        #expect(ko("W2 has shape [3, 2] but layers=2,3,1 needs [3, 1] (fan_in 3 × fan_out 1)")
            == "W2의 모양은 [3, 2]인데 layers=2,3,1에는 [3, 1](fan_in 3 × fan_out 1)이(가) 필요합니다")
        // What was found (Value.summary) is Korean too, and so is a scalar shape.
        #expect(ko("wo= must name a matrix, but x is a 2×3 matrix") == "wo=에는 행렬의 이름을 써야 하는데 x은(는) 2×3 행렬입니다")
        #expect(ko("labels= must name a token list, but L is a vector of 3") == "labels=에는 토큰 목록의 이름을 써야 하는데 L은(는) 길이 3의 벡터입니다")
        #expect(ko("W1 must be a matrix (fan_in × fan_out), got shape scalar") == "W1은(는) 행렬(fan_in × fan_out)이어야 하는데 모양이 스칼라입니다")
        // The shared "did you mean" stays at the end, in Korean.
        #expect(ko("token 1 'catz' is not in the vocabulary vocab; did you mean 'cat'?, and neither is the unknown token '[UNK]' to stand in for it; add '[UNK]' (or 'catz') to the vocab block")
            == "1번째 토큰 'catz'은(는) 어휘 vocab에 없고, 대신할 알 수 없는 토큰 '[UNK]'도 없습니다. vocab 블록에 '[UNK]'(또는 'catz')을(를) 추가하세요; 'cat'을(를) 뜻했나요?")
        #expect(ko("'cow' is not in the embedding table E; did you mean 'cat'? (the table has 2 tokens: cat, dog)")
            == "'cow'은(는) 임베딩 표 E에 없습니다; 'cat'을(를) 뜻했나요? (표의 토큰 2개: cat, dog)")
    }

    /// Messages no small lesson reaches (a model folder that exists but does not load, the
    /// memory guard, a BERT model's layers), checked on their English text.
    @Test func unreachableMessagesAreKorean() {
        let messages = [
            "cannot load a BERT model from /m: ∅ (run `make model` for all-MiniLM-L6-v2)",
            "the answer ends too early; expected a number, a \"string\", ? or [",
            "the corpus has no words to learn merges from",
            "W1 contains a value that is not a finite number",
            "the vector of 'a' has a non-finite entry (∞)",
            "from= expects a file name, like from=\"vectors.txt\"",
            "v is ∞ at index 1; plot draws finite numbers only (a run that overflowed can be plotted with fewer steps)",
            "w= must be a finite number, got ∞",
            "the answer has more than 5 entries (raise the limit with --max-entries)",
            "the sentence vectors would have 12 entries, over the limit of 5 (raise it with --max-entries)",
            "layers=100000,100000,100000: the weights and biases up to layer 2 would have more than 1000 entries in all, more than this machine's memory holds",
            "layers=2,3,1: the weights and biases would have 20 entries in all, over the lesson's limit of 16 (16 × the value limit; raise it with --max-entries)",
            "layers= expects all or layer numbers like 1,6",
            "layers= names layer 9, but model has layers 1 to 6",
            "transformer needs a text in its body; the block is empty",
            "the attention model attends over up to 1002 tokens (the prompt and 2 generated), whose 1002×1002 weights would have 1004004 entries, over the limit of 1000000 (raise it with --max-entries)",
            "align compares every caption with every picture: 2000×2000 logits would have 4000000 entries, over the limit of 1000000 (raise it with --max-entries)",
            "transformer over 440 tokens would hold 41817600 attention entries while it runs (6 layers × 12 heads × 440² for the scores, scaled scores and weights), over the lesson's limit of 16000000 (16 × the value limit; raise it with --max-entries, or lower max_tokens=)",
            "with model=, each line compares two texts separated by '|': first text | second text",
            "the query text is empty",
            "sentences needs one sentence per line in its body; the block is empty",
            "the sentence 'a b' is already line 2 of this block; each row needs its own label",
            "3 sentences of 384 numbers would be over the limit of 1000 entries (raise it with --max-entries)",
            "no model 'x' in /a/models or /b/.cache/models; there are no models there: `make model` in stepmark's repository fetches all-MiniLM-L6-v2, or give a folder with from=\"path\" or a folder of models with --model-dir",
            "no model 'all-MiniLM-L6-v3' in /a/models or /b/.cache/models; did you mean 'all-MiniLM-L6-v2'? (models there: all-MiniLM-L6-v2, m2)",
            "no model 'gpt2' in /a/models; the models there are all-MiniLM-L6-v2, m2",
            "no model 'gpt2' in /a/models; the models there are a1, a2, a3, a4, a5, a6, a7, a8, … 12 in all",
            "the model folder '../m' (relative to the lesson) does not exist or is not a folder; run `make model` to fetch all-MiniLM-L6-v2",
            "'v.npy' holds a vector of 3; an embedding table needs a matrix with one row per vocabulary token",
            "'v.npy' holds a single number; an embedding table needs a matrix with one row per vocabulary token",
            "a .npy file holds only numbers: its rows need a vocabulary for their tokens; write a vocab block above or name one with vocab=",
            "'v.npy' has 3 rows but the vocabulary V has 2 tokens; they must match, one row per token",
            "'v.bin' is not UTF-8 text: word vectors are read as GloVe/word2vec text (token v1 v2 … per line); a numpy array needs the .npy extension",
            "the merges table m has a row whose left or right is not text",
            "answers have at most two levels of brackets (a matrix); three-dimensional answers are not supported",
            "an answer block must be read by LessonParser",
            "lr= must be a positive number (the size of each step downhill), got -1",
            "the loss at the starting values is already too large to represent (∞), so no update was run: (w·x − y)² overflows for these x=, y= and starting w= and b=; use smaller numbers",
            "the x values are too large: x² overflows (over 1.8e308), so no lr lets gradient descent settle; use smaller numbers",
            "the similarity matrix of E (9 × 9) would have more than 9223372036854775807 entries, over the limit of 5 (raise it with --max-entries)",
            "plotting v would bring series to more than 9223372036854775807 entries (3 a point: series, x, y), over the limit of 5 (raise it with --max-entries)",
            "labels= names 2 token lists but there is 1 sequence",
            "target= must hold finite numbers, but T does not",
            "X must hold finite numbers",
            "W1 must be a matrix (fan_in × fan_out), got shape [2]; write one column as [[…], […]]",
            "h holds text in row 2; plot draws numbers only",
            "v holds no numbers, so there is nothing to plot",
            "x= expects a name",
            "'' labels nothing: write the vector or column after the ':', like `label: h.loss`",
            "M is a 2×2 matrix, not a vector: plot draws vectors and table columns; name a column, like M.b (columns: a, b)",
            "h has no column 'los'; did you mean 'h.loss'? (columns: step, loss)",
            "text= needs a matrix with one row of features per caption, but T is a table of 3 rows",
            "stack= needs pictures, but n is a network",
            "corpus= must name a text (make it with a corpus block), but c is a token list of 2",
        ]
        for m in messages {
            let korean = Phrasebook.message(m, .korean)
            #expect(Self.englishWords(korean, allowed: ["word2vec", "bin", "los", "v", "step"]).isEmpty, "\(m)\n→ \(korean)")
        }
    }

    @Test func englishIsUnchanged() {
        for m in ["align needs text=NAME: the text features, one row per caption",
                  "wo= must name a matrix, but x is a 2×3 matrix",
                  "the inputs have 6 entries, over the limit of 5 (raise it with --max-entries)"] {
            #expect(Phrasebook.message(m, .english) == m)
        }
    }
}
