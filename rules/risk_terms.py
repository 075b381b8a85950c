"""The risk screen's vocabulary, English and Spanish, over folded text (rules.text.fold: lower case, no
accents, no apostrophes, single spaces). Each phrase is a regular expression matched on whole words.

TYPO_WORDS are distinctive words (six letters or more) that also match one typo away ("harrassed", "lawer",
"overcharjed"). Words one typo from an everyday word stay out: "stalking" (talking), "attacked" (attached),
"fainted" (painted), "police" (policy), "injured" (insured); the phrases catch their common forms.
"""

from __future__ import annotations

# fmt: off
PHRASES: dict[str, tuple[str, ...]] = {
    "safety": (
        r"(?:almost|nearly|near|basically|practically) drown\w*", r"drown\w*", r"injur\w*",
        r"hurt (?:my|his|her|their|him|me|myself|herself|himself|themselves|someone|somebody|badly|bad|really)",
        r"(?:got|get|gets|getting|was|were|been|is|am|im|are|be) (?:\w+ )?hurt", r"bleed\w*",
        r"blood (?:everywhere|on|all over|dripping)",
        r"(?:fell|falling|fallen) (?:off|down|on|from|over|backwards|and|in the|into)", r"falls? (?:off|down|from)",
        r"slipp?ed (?:on|in|and|off|over|down|backwards|while)", r"slipping (?:on|in|off)", r"slip and fall",
        r"tripp?ed (?:on|over)", r"concuss\w*", r"sprain\w*",
        r"twist\w* (?:my|his|her|their) (?:ankle|knee|wrist|back|neck)",
        r"broke (?:my|his|her|their) (?:arm|leg|wrist|ankle|toe|finger|nose|rib|foot|hand|collarbone|back)",
        r"broken (?:arm|leg|wrist|ankle|toe|finger|nose|rib|bone|foot|hand|collarbone)", r"stitches",
        r"(?:dropped|fell|landed|came down) (?:a |the |his |her )?(?:weight|plate|dumbbell|bar|barbell"
        r"|kettlebell)s? on",
        r"crushed (?:my|his|her) (?:finger|fingers|hand|foot|toe|toes|leg)", r"electric\w* shock",
        r"(?:got|get|getting) (?:a |an )?(?:electric )?shock\w*", r"shocked me",
        r"(?:exposed|loose|sparking|live|bare) wires?", r"on fire", r"(?:fire|smoke) (?:in|alarm|coming|from)",
        r"gas leak", r"smells? (?:like|of) gas", r"carbon monoxide", r"fray\w*",
        r"(?:cable|belt|rope|chain|bench|rack|machine|treadmill|pulley|seat|bar|handle|clip)s? (?:\w+ ){0,4}"
        r"(?:snapped|broke|collapsed|came loose|came off|gave way|flew off)",
        r"unsafe", r"dangerous\w*", r"hazard\w*", r"not safe", r"emergenc\w*",
        r"lifeguard (?:was|is|wasnt|isnt|on|asleep|sleeping|not|never|looking)", r"no lifeguard", r"broken glass",
        r"glass (?:on|everywhere|all over)", r"needles?", r"syringes?", r"(?<!by )accidents?", r"wet floor",
        r"puddles?", r"stuck (?:inside|in the sauna|in the steam|in the elevator|in the bathroom)", r"trapped",
        r"mold\w*", r"(?:going to|gonna|could|will|might|about to) get (?:\w+ )?(?:hurt|crushed|injured|killed)",
        r"safety (?:catch|catches|pin|pins|bar|bars|clip|clips|strap|straps|stop|stops)s? (?:is |are |was |were )?"
        r"(?:missing|broken|gone|loose)",
        r"smell\w* (?:like |of )?gas",
        # Spanish
        r"(?:me|se|nos) lastim\w*", r"lastimad\w*", r"herid\w*", r"lesion\w*",
        r"(?:me|se|nos) (?:cai|cayo|caimos|cayeron|resbale|resbalo)", r"sangr\w*", r"(?:se|me) ahog\w*",
        r"casi se ahog\w*", r"peligr\w*", r"emergencia", r"accidente", r"incendio", r"humo", r"fuga de gas",
    ),
    "medical": (
        r"chest pains?", r"chest (?:has been|is|feels|was|felt|gets|getting|been) (?:\w+ )?tight", r"tight chest",
        r"chest tightness", r"fevers?", r"(?:the )?flu", r"sick with",
        r"(?:pain|pains|tight|tightness|pressure) in (?:my|his|her) (?:chest|arm|heart)",
        r"heart (?:attack|problem|problems|condition|racing|palpitations?|issue|issues|rate was|stopped)",
        r"palpitation\w*", r"pains?", r"painful", r"hurts",
        r"(?:knee|back|shoulder|neck|hip|ankle|wrist|chest|head|stomach|elbow|foot) (?:hurts|is hurting|is killing me)",
        r"faint\w*", r"pass(?:ed)? out", r"black(?:ed)? out", r"dizz\w*", r"light ?headed", r"nause\w*",
        r"vomit\w*", r"threw up", r"throwing up",
        r"(?:cant|couldnt|could not|cannot|hard to|trouble|struggling to|struggled to) breath\w*",
        r"short(?:ness)? of breath", r"not breathing", r"asthma\w*", r"inhaler", r"seizure\w*", r"epilep\w*",
        r"diabet\w*", r"insulin", r"blood (?:pressure|sugar)", r"(?:had|having|have|has) a stroke", r"allerg\w*",
        r"anaphyla\w*", r"epi ?pen", r"ambulance", r"911", r"(?:the|to|in) er", r"hospital\w*", r"urgent care",
        r"doctors?", r"physio\w*", r"surgery", r"pregnan\w*", r"medica\w*", r"covid\w*", r"tested positive",
        r"contagious", r"ringworm", r"staph", r"mrsa", r"infect\w*", r"rash", r"bed ?bugs?", r"lice",
        r"heat ?stroke", r"dehydrat\w*", r"cardiac", r"cpr", r"aed", r"defib\w*", r"collaps\w*", r"unconscious",
        r"numb(?:ness)?", r"tingl\w*", r"panic attack\w*", r"migraine\w*",
        # Spanish
        r"dolor", r"dolores de", r"(?:me|se) desmay\w*", r"desmay\w*", r"mare(?:o|ado|ada|ados)",
        r"no (?:puedo|podia|podía|pude) respirar", r"ataque (?:al corazon|cardiaco|de asma|de panico)", r"asma",
        r"ambulancia", r"embarazada", r"medico", r"convulsion\w*",
    ),
    "harassment": (
        r"har+as+\w*",
        r"(?:comments?|commenting|commented|remarks?|jokes?) (?:about|on) (?:my|her|his|their) "
        r"(?:body|weight|looks|chest|boobs|butt|figure|appearance|race|religion|accent|skin|hair|legs|outfit"
        r"|clothes|leggings|shorts)",
        r"(?:makes?|made|making) (?:me|her|us|my \w+|women) (?:feel )?(?:really |very |so )?"
        r"(?:uncomfortable|unsafe|uneasy|nervous|scared)",
        r"(?:feel|felt) (?:really |very |so )?(?:uncomfortable|unsafe|uneasy|scared)", r"creep\w*",
        r"stares? at (?:me|her|women|girls|my)", r"staring at (?:me|her|women|girls|my)", r"ogl\w*",
        r"touch(?:ed|es|ing)? (?:me|her)", r"grabbed (?:my|her) (?:butt|ass|chest|breasts?)", r"grabbed (?:me|her)",
        r"grop\w*",
        r"(?:touch|touched|touching|grab|grabbed|stroke|stroked|play with|playing with) (?:my|her) (?:hair|face"
        r"|waist|hips"
        r"|back|leg|legs|arm|shoulders?)",
        r"personal questions", r"(?:kept|keeps|keep) asking (?:me|her) (?:out|for my|about my|where)",
        r"inappropriat\w*", r"hit(?:ting|s)? on (?:me|her|women|girls)", r"sexual\w*", r"pervert\w*", r"perv",
        r"racis\w*", r"racial\w*", r"slurs?", r"n word", r"discriminat\w*", r"homophob\w*", r"transphob\w*",
        r"sexis\w*", r"misogyn\w*", r"bull(?:y|ies|ied|ying)", r"intimidat\w* (?:me|her|us|women)",
        r"called (?:me|her|him|my \w+) (?:fat|ugly|stupid|names|a \w+|an \w+)", r"(?:fat|body) sham\w*",
        r"because (?:im|i am|she is|shes|he is|hes|we are|were) (?:\w+ )?"
        r"(?:black|gay|lesbian|trans|muslim|jewish|fat|a woman|a girl|old|disabled|hispanic|latina|latino|asian|deaf)",
        r"flirt\w*", r"asked me out", r"(?:wont|doesnt|dont|would not|will not) leave (?:me|her) alone",
        r"keeps? (?:texting|messaging|dming|calling|following|touching|staring) (?:me|her)",
        r"(?:dm|dmd|dms|messag\w*|text\w*) me on (?:instagram|facebook|insta|ig|snapchat)",
        # Spanish
        r"acos\w*", r"incomod\w*", r"comentarios sobre (?:mi|su) (?:cuerpo|peso|figura)",
        r"me (?:toco|tocaba|toca)", r"tocandome", r"racista\w*", r"discrimin\w*",
        r"me (?:mira|miraba|queda mirando)",
    ),
    "threat": (
        r"threat\w*",
        r"(?:ill|i will|im going to|gonna|going to|i am going to|i swear ill) "
        r"(?:kill|hurt|find|get|beat|end|destroy|come for|break) (?:you|him|her|them|that|your|this)",
        r"kill (?:you|him|her|them|myself|yourself)", r"suicid\w*", r"end (?:my|it) all", r"watch your back",
        r"you(?:ll| will) (?:regret|pay for)", r"i know where (?:you|he|she|they) (?:live|lives|work|works|park)",
        r"knows? where (?:i|you|she|he|we|my \w+) (?:live|lives|work|works|park|parks)", r"stalk\w*",
        r"follow\w* (?:me|her) (?:home|to my car|to her car|out|around|into|to the|in the)",
        r"following (?:me|her)(?! (?:on|back))",
        r"(?:waited|waiting|waits|lurking|hanging around) (?:for (?:me|her) )?(?:near|by|outside|at|around) (?:the )?"
        r"(?:exit|door|entrance|my car|her car|parking)",
        r"(?:dont|do not|didnt|did not|no longer|never|cant|cannot) feel safe",
        r"keeps? showing up (?:when|where|at|every)",
        r"(?:waiting|waits|waited) for (?:me|her) (?:outside|in the parking|by my car|by her car|after)",
        r"restraining order",
        r"(?:has|had|with|pulled|carrying|carries|brought|showed|flashed) (?:a |his |her )?"
        r"(?:gun|knife|weapon|firearm|pistol|blade)",
        r"weapons?", r"punch(?:ed|es|ing)? (?:me|him|her|someone|a guy|a member)",
        r"punched (?:me|him|her|someone|a)", r"(?:slapped|kicked|shoved|pushed|elbowed|choked) (?:me|her|him)",
        r"attack\w* (?:me|her|him|someone)", r"attacked", r"assault\w*",
        r"(?:got into|started|there was|in) a fight", r"fight (?:in|at|broke out)", r"violen\w*",
        r"beat (?:me|him|her|you) up", r"shoot (?:up|you|him|her|them|everyone|this place)", r"shooting (?:up|at)",
        # Spanish
        r"amenaz\w*", r"me (?:siguio|sigue|seguia|persigue|persiguio)", r"acosador\w*",
        r"(?:pistola|cuchillo|navaja|arma)", r"me (?:pego|golpeo|empujo)", r"te voy a (?:matar|pegar|encontrar)",
        r"pelea\w*",
    ),
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

# A match inside one of these is not a risk: "I work at the hospital" is not a medical report.
EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "medical": (
        r"(?:work|works|working|worked|job|shift|shifts|nurse|doctor|volunteer|volunteers)\w* (?:at|in"
        r"|for) (?:the |a )?"
        r"hospital\w*",
        r"hospital (?:cafeteria|parking|job|shift|shifts|gift shop)",
        r"doctors? (?:appointment|appt) (?:so|and|but|on|at|tomorrow|today)",
    ),
}

TYPO_WORDS: dict[str, tuple[str, ...]] = {
    "safety": (
        "injury",
        "injuries",
        "bleeding",
        "concussion",
        "drowned",
        "drowning",
        "dangerous",
        "emergency",
        "sprained",
        "hazard",
    ),
    "medical": (
        "ambulance",
        "seizure",
        "asthma",
        "hospital",
        "pregnant",
        "palpitations",
        "unconscious",
        "collapsed",
        "diabetic",
        "allergic",
        "medical",
    ),
    "harassment": (
        "harassed",
        "harassing",
        "harassment",
        "inappropriate",
        "discrimination",
        "discriminated",
        "racist",
        "creepy",
        "pervert",
        "sexually",
    ),
    "threat": ("threatened", "threatening", "threats", "assaulted", "assault", "weapon"),
    "theft": ("stolen", "robbed", "thieves"),
    "legal": ("lawyer", "attorney", "lawsuit", "negligence", "liability", "illegal"),
    "privacy": ("privacy",),
    "door_access": ("lockout",),
    "billing_dispute": ("overcharged", "unauthorized", "unauthorised", "chargeback", "fraudulent", "disputed"),
}
