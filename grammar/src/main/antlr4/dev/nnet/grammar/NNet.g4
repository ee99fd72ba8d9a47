/*
 * The .nnet language. See docs/language.md for the reference.
 *
 * Newlines are not significant: an expression may span lines, and statements may end with an
 * optional ';'. Keywords are few; names such as `step`, `epochs` or `train` used as ordinary
 * identifiers stay identifiers wherever the grammar allows a name (see `name` below).
 */
grammar NNet;


program      : importDecl* topDecl* EOF ;

importDecl   : IMPORT qualifiedName (DOT LBRACE name (COMMA name)* COMMA? RBRACE | DOT STAR)? SEMI? ;
qualifiedName: name (DOT name)* ;

topDecl      : layerDecl
             | fnDecl
             | dataDecl
             | trainDecl
             | letDecl
             ;

// ---- layers and models ------------------------------------------------------------------------

layerDecl    : kind=(LAYER | MODEL) name (LPAREN paramList? RPAREN)? LBRACE member* RBRACE ;
paramList    : hyperParam (COMMA hyperParam)* COMMA? ;
hyperParam   : name COLON typeRef (ASSIGN expr)? ;

member       : PARAM name COLON tensorType (ASSIGN init=expr)? (IF cond=expr)? SEMI?   # paramMember
             | BUFFER name COLON tensorType (ASSIGN init=expr)? (IF cond=expr)? SEMI?  # bufferMember
             | forwardDecl                                                          # forwardMember
             | fnDecl                                                               # methodMember
             | name ASSIGN expr SEMI?                                               # fieldMember
             ;

forwardDecl  : FORWARD LPAREN fnParams? RPAREN (ARROW typeRef)? body ;
fnDecl       : FN name LPAREN fnParams? RPAREN (ARROW typeRef)? body ;
fnParams     : fnParam (COMMA fnParam)* COMMA? ;
fnParam      : name (COLON typeRef)? (ASSIGN expr)? ;
body         : ASSIGN expr SEMI?
             | block
             ;
block        : LBRACE stmt* RBRACE ;
stmt         : LET pattern ASSIGN expr SEMI?       # letStmt
             | name UPDATE expr SEMI?              # updateStmt
             | RETURN expr SEMI?                   # returnStmt
             | expr SEMI?                          # exprStmt
             ;
pattern      : name
             | LPAREN name (COMMA name)* COMMA? RPAREN
             ;

// ---- types ------------------------------------------------------------------------------------

/**
 * `int`, `float`, `bool`, `string`, `list`, a layer name, or a tensor type. (A named type with
 * arguments, `list[int]`, is not part of the language: every such text is also a tensor type with a
 * dtype, which ANTLR always chose, after scanning the whole bracket to find out: quadratic on nested
 * brackets.)
 */
typeRef      : tensorType
             | name
             ;
/** `[N, 1, 28, 28]`, `i64[N]`, `bool[N, T]`, `[*B, in]`, `[N, 4 * hidden]`. */
tensorType   : dtype=name? LBRACK (dimDecl (COMMA dimDecl)* COMMA?)? RBRACK ;
dimDecl      : STAR name                           # variadicDim
             | expr                                # exprDim
             ;

// ---- data and training ------------------------------------------------------------------------

dataDecl     : DATA name ASSIGN expr (LBRACE dataItem* RBRACE)? ;
dataItem     : SPLIT splitItem (COMMA splitItem)* SEMI?       # splitItems
             | name COLON typeRef ASSIGN expr SEMI?           # fieldItem
             ;
splitItem    : name ASSIGN expr ;

trainDecl    : TRAIN expr ON name LBRACE trainItem* RBRACE ;
trainItem    : fnDecl                                         # stepItem
             | name ASSIGN expr SEMI?                         # settingItem
             ;

letDecl      : LET name ASSIGN expr SEMI? ;

// ---- expressions (earlier alternatives bind tighter) --------------------------------------------

expr         : expr LPAREN args? RPAREN                                    # callExpr
             | expr LBRACK indexItem (COMMA indexItem)* COMMA? RBRACK      # indexExpr
             | expr DOT name                                               # memberExpr
             | primary                                                     # primaryExpr
             | <assoc=right> expr POW expr                                 # powExpr
             | op=(MINUS | PLUS) expr                                      # unaryExpr
             | expr op=(STAR | SLASH | PERCENT | AT) expr       # mulExpr
             | expr op=(PLUS | MINUS) expr                                 # addExpr
             | expr RANGE expr                                             # rangeExpr
             | expr op=(EQ | NE | LT | LE | GT | GE) expr                  # compareExpr
             | NOT expr                                                    # notExpr
             | expr AND expr                                               # andExpr
             | expr OR expr                                                # orExpr
             | expr PIPE expr                                              # pipeExpr
             | IF expr THEN expr ELSE expr                                 # ifExpr
             ;

// Left-factored so that choosing an alternative never needs to look past the first token: `x[e]`
// and `x[e..]` share their prefix `e`, which is parsed once (a slice `a..b` inside `e` is a range
// expression, turned into a slice by the AST builder). `expr? RANGE expr? | expr` made the parser
// scan the whole of `e` to choose, quadratic in nested indexing.
indexItem    : RANGE expr?                         # openRangeIndex
             | ELLIPSIS                            # ellipsisIndex
             | expr (RANGE expr?)?                 # exprIndex
             ;

args         : arg (COMMA arg)* COMMA? ;
arg          : (name ASSIGN)? expr ;

primary      : INT                                             # intLit
             | FLOAT                                           # floatLit
             | STRING                                          # stringLit
             | (TRUE | FALSE)                                  # boolLit
             | name                                            # nameRef
             // `(e)` and the tuple `(e, ...)` share the prefix `(e`: as two alternatives, choosing
             // one scanned all of `e`, which made nested parentheses exponential. A comma makes a tuple.
             | LPAREN expr (COMMA expr)* COMMA? RPAREN                # parenExpr
             | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK      # listExpr
             ;

/** Soft keywords: words that mean something only in one place may still name things. */
name         : ID | ON | SPLIT | DATA | TRAIN | MODEL | LAYER | PARAM | BUFFER | FORWARD ;

// ---- lexer ------------------------------------------------------------------------------------

IMPORT  : 'import' ;
LAYER   : 'layer' ;
MODEL   : 'model' ;
PARAM   : 'param' ;
BUFFER  : 'buffer' ;
FORWARD : 'forward' ;
FN      : 'fn' ;
LET     : 'let' ;
RETURN  : 'return' ;
IF      : 'if' ;
THEN    : 'then' ;
ELSE    : 'else' ;
DATA    : 'data' ;
SPLIT   : 'split' ;
TRAIN   : 'train' ;
ON      : 'on' ;
AND     : 'and' ;
OR      : 'or' ;
NOT     : 'not' ;
TRUE    : 'true' ;
FALSE   : 'false' ;

PIPE     : '|>' ;
ARROW    : '->' ;
UPDATE   : ':=' ;
ELLIPSIS : '...' ;
RANGE    : '..' ;
POW      : '**' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;
AT       : '@' ;
DOT      : '.' ;
COMMA    : ',' ;
COLON    : ':' ;
SEMI     : ';' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
LBRACE   : '{' ;
RBRACE   : '}' ;

FLOAT   : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT     : DIGITS ;
fragment DIGITS   : [0-9] ('_'? [0-9])* ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
STRING  : '"' (~["\\\r\n] | '\\' .)* '"' ;
ID      : [a-zA-Z_] [a-zA-Z_0-9]* ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\f]+ -> skip ;
/** Anything else is one bad character; the parser reports it in plain words. */
BAD_CHAR      : . ;
