%{
int yylex(void);
void yyerror(const char *s);
%}
%token X
%%
start: X ;
%%
