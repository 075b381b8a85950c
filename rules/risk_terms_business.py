"""The risk screen's phrases for the club's business: theft, legal, privacy, door access, billing disputes, public
complaints (English and Spanish, over folded text; the conventions are in rules/risk_terms.py)."""

from __future__ import annotations

# fmt: off
BUSINESS_PHRASES: dict[str, tuple[str, ...]] = {
    "theft": (
        r"stol\w*", r"stealing", r"steal (?:my|from|stuff|things|people)", r"theft", r"thie(?:f|ves|very)",
        r"robb(?:ed|ery|eries|ing)",
        r"(?:someone|somebody|they|a guy|a person|some guy) (?:took|take|takes|swiped|grabbed|walked off with) my",
        r"(?:wallet|phone|keys|bag|purse|headphones|airpods|watch|laptop|shoes|jacket|card|money|cash|backpack|ring"
        r"|earbuds|bike|sneakers|charger) (?:is |was |were |went |got |are |has gone |have gone )?(?:missing|gone)",
        r"missing (?:from|out of) (?:my )?(?:locker|bag|car|gym bag)",
        r"(?:broke|broken) into (?:my )?(?:locker|car|bag)",
        r"locker (?:was |got |had been )?(?:broken into|pried|forced|broken open)", r"pickpocket\w*",
        r"(?:got|was|were|been|has been|have been) taken (?:from|out of|off)",
        r"went through my (?:bag|locker|stuff|things)",
        # Spanish
        r"robar\w*", r"robaron", r"robo", r"robad\w*", r"ladron\w*", r"se llevaron mi\w*",
    ),
    "legal": (
        r"lawyer\w*", r"attorney\w*",
        r"(?:sue|suing|sued) (?:you|the gym|your|anytime|this|the club|the company|for)",
        r"(?:going to|gonna|will|ill|to|i could) sue", r"suing", r"lawsuit\w*",
        r"legal (?:action|advice|team|department|steps|counsel|matter|claim|proceedings|rights)", r"small claims",
        r"(?:take (?:you|this|them|the gym|the club) to|see you in|going to|go to|in|small claims) court",
        r"class action", r"attorney general", r"consumer (?:protection|affairs|rights)", r"ftc",
        r"report (?:you|this|the gym|your gym|the club) to", r"file (?:a )?(?:complaint|claim|report) with",
        r"breach of contract", r"liab\w*", r"negligen\w*", r"police", r"cops?", r"subpoena",
        r"(?:ada|disability) (?:compliance|violation|law)", r"illegal\w*",
        r"(?:against|violat\w*|breaking) the law", r"my rights",
        r"(?:is|isnt|is it|is that|is this|thats|that is|this is|its) (?:even |not |really |actually )?legal",
        r"health (?:department|inspector)", r"osha",
        # Spanish
        r"abogad\w*", r"(?:voy a|los voy a|les voy a|vamos a) demandar\w*", r"demandar\w*", r"una demanda",
        r"demanda legal", r"accion legal", r"policia", r"tribunal\w*", r"denuncia\w*",
    ),
    "privacy": (
        r"(?:delete|remove|erase|wipe|purge|destroy) (?:all )?(?:of )?(?:my|me from your|our) (?:\w+ )?"
        r"(?:data|info|information|details|records?|photos?|pictures?|number|email|profile)",
        r"gdpr",
        r"(?:remove|delete|erase|take) (?:me|my info|my information|my details) (?:off|from|out of) (?:your |the )?"
        r"(?:database|system|systems|records|files)",
        r"(?:all )?my (?:info|information|data|details) (?:gone|deleted|removed|erased)", r"ccpa", r"privacy",
        r"personal (?:data|information|info|details)",
        r"(?:sell|sold|selling|share|shared|sharing|leak\w*|gave out|giving out) (?:my|our) "
        r"(?:data|info|information|details|number|email|phone|address)",
        r"(?:who|how did you|where did you|how do you) (?:gave|give|get|got|have) (?:you )?my (?:number|email"
        r"|info|phone|details|address)",
        r"data breach", r"hack(?:ed|er|ers|ing)",
        r"(?:cameras?|filming|recording|photos?|pictures?|videos?) (?:in|of) (?:the )?(?:locker ?rooms?"
        r"|changing rooms?|showers?|bathrooms?)",
        r"(?:posted|post|posting|shared|took|taking|takes) (?:a |my )?(?:photo|picture|pic|video|photos"
        r"|pictures|videos) of me",
        r"(?:filming|recording|photographing|videoing) (?:me|us|her|women)",
        r"what (?:data|information|info) do you (?:have|keep|store|collect)",
        # Spanish
        r"(?:borr\w*|elimin\w*) (?:todos )?(?:mis|mi) (?:datos|informacion|fotos?)", r"datos personales",
        r"privacidad", r"quien (?:les )?dio mi (?:numero|correo|telefono)",
        r"(?:fotos?|videos?) (?:mia|mias|mio|de mi)",
    ),
    "door_access": (
        r"lock(?:ed)? out", r"lockout",
        r"(?:cant|cannot|can not|couldnt|could not|unable to|wont let me|not able to|cant seem to) "
        r"(?:get|come|go) in(?:side|to)?",
        r"let (?:me|us) in",
        r"(?:can|could|would|will) (?:you|someone|somebody|u|anyone|anybody) (?:please |pls )?(?:open|unlock) (?:up )?"
        r"(?:the |this |that |your |front |back |main )?(?:door|doors|gate|entrance)",
        r"(?:please|pls|plz|need (?:you|someone) to) (?:open|unlock) (?:the |this |that |front |back )?(?:door"
        r"|doors|gate)",
        r"unlock (?:the |this |that |your |front |back |main )?(?:door|doors|gate|entrance)",
        r"open (?:the |this |that )?(?:door|doors|gate) for (?:me|us)",
        r"doors? (?:is |was |are |were )?(?:locked|stuck|jammed|broken|wont open|doesnt open|not opening|will not open"
        r"|left open|propped open|wide open)",
        r"(?:fob|fobs|key|keys|keycard|key card|key tag|tag|badge|access card|scanner|reader|keypad|door code"
        r"|entry code"
        r"|access code|card reader) (?:is |was )?(?:isnt|wont|doesnt|does not|is not|not|stopped|never|didnt|did not"
        r"|wasnt|will not|cant|keeps not) (?:\w+ )?(?:work|works|working|scan|scanning|read|reading|beep|beeping|open"
        r"|opening|let me)",
        r"(?:fob|key|keycard|key card|badge|access card|card reader|scanner) (?:is |was |keeps |just )?"
        r"(?:flashing red|flashes red|blinking red|red light|deactivated|dead|died)",
        r"lost (?:my |our )?(?:key|keys|fob|keycard|key card|key tag|badge|access card)",
        r"stuck (?:outside|in the parking lot|at the door|at the entrance)", r"(?:door|building|entry|front) alarm",
        r"alarm (?:went off|is going off|keeps going|is beeping|sounding|is sounding)",
        r"(?:access|entry) (?:denied|not working|problem|problems|issue|issues)", r"buzz (?:me|us) in",
        # Spanish
        r"no (?:puedo|pude|podemos|podia) (?:entrar|pasar)", r"(?:abr\w*|abran|abranme) la puerta", r"abranme",
        r"la puerta (?:no abre|no se abre|esta cerrada|no funciona)",
        r"(?:llave|tarjeta|llavero) no (?:funciona|sirve|abre)", r"me quede (?:afuera|fuera)",
        r"perdi (?:mi|la) (?:llave|tarjeta|llavero)",
    ),
    "billing_dispute": (
        r"(?:charg\w*|bill\w*) (?:me |my card |my account |us )?"
        r"(?:twice|two times|2 times|three times|3 times|thrice|3x|2x|double|again|more than once"
        r"|multiple times|4 times)",
        r"double ?(?:charg\w*|bill\w*|payment)", r"overcharg\w*", r"over ?charg\w*", r"over ?bill\w*",
        r"wrong (?:amount|charge|price|rate|fee)", r"(?:charged|billed) (?:me )?(?:the )?wrong",
        r"(?:charged|billed|charging|billing|charge|charges|took money|taking money) (?:me )?"
        r"(?:after|even though|although|but|since) (?:i|my|we)",
        r"unauthori[sz]ed",
        r"(?:didnt|did not|never) (?:authori[sz]\w*|agree to (?:this|that|the|a|any) (?:charge|fee|price"
        r"|payment|increase))",
        r"(?:dont|do not|didnt) recogni[sz]e (?:this|the|a|that)", r"charge ?backs?", r"disput\w*", r"fraud\w*",
        r"(?:still|keep|keeps|kept) (?:charging|billing|taking)", r"hidden (?:fee|fees|charge|charges)",
        r"(?:took|taking|taken) (?:money|\d+|payment|a payment) (?:out|from)",
        r"(?:why|how come) (?:was|am|did|have|were|is|do) (?:i|you|my card|it) (?:been |being )?"
        r"(?:charged|charging|charge|billed|billing|bill)",
        r"(?:charged|billed) for (?:a |the )?(?:month|class|session|membership) (?:i|that i|after)",
        r"(?:charged|billed) (?:me )?(?:\d+ )?(?:dollars )?(?:more|extra)",
        r"duplicate (?:charge|charges|payment|payments)",
        r"(?:two|2|three|3|duplicate|double|multiple) (?:\d+ )*(?:payments|charges|withdrawals|transactions|debits)",
        r"(?:took|charged|billed|paid|taking|charging|withdrew) (?:me )?(?:\d+ )+(?:instead of|rather than|not) \d+",
        r"\d+ instead of \d+",
        r"(?:charged|billed|charging|billing) (?:me )?for \w+ (?:but|even though|although|when|while"
        r"|after) (?:i|my|we)",
        r"(?:price|rate|fee|dues) (?:went up|increased|was raised|were raised) without",
        # Spanish
        r"cobr\w* (?:dos|tres|2|3) veces", r"(?:cobro|cargo) doble", r"doble (?:cobro|cargo)", r"cobr\w* de mas",
        r"(?:cargo|cobro) (?:no autorizado|extra|indebido|duplicado)", r"(?:siguen|siguieron|sigue) cobrando",
        r"fraude",
    ),
    "public_complaint": (
        r"(?:bad|negative|terrible|honest|scathing|horrible|awful|nasty|1 star|one star|zero star|0 star) reviews?",
        r"(?:1|one|0|zero|no) stars?", r"yelp",
        r"(?:going to|gonna|will|ill|about to|dont make me|plan to|planning to) (?:leave|write|post|put|give)"
        r"(?: you)? (?:a |an |my )?(?!(?:great|good|glowing|amazing|positive|nice|5|five|awesome|stellar|excellent"
        r"|wonderful)\b)(?:\w+ )?(?:review|this on|about this|about you|it on)",
        r"(?:post\w*|put\w*|shar\w*|tell\w*|blast\w*|expos\w*) (?:this|it|you|about this|about you|everything"
        r"|this place"
        r"|the gym|your gym|the club) (?:on|all over|to) (?:facebook|fb|instagram|insta|ig|tiktok|twitter|x|reddit"
        r"|nextdoor|social media|the news|google|yelp)",
        r"(?:tell|telling|warn|warning) (?:everyone|everybody|people|others|all my friends|the whole|my followers)",
        r"bbb", r"better business bureau", r"(?:call|contact|tell|go to|email|write to) the (?:local )?news",
        r"local news", r"news (?:station|channel|outlet)", r"reporters?", r"journalists?", r"go public",
        r"expos\w* (?:you|this|your)",
        # Spanish
        r"resena\w*", r"(?:una|1) estrella", r"redes sociales",
        r"(?:voy a|lo voy a|los voy a) (?:publicar|exponer)",
    ),
}
# fmt: on
