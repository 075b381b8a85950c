"""The risk screen's phrases for harm to people: safety, medical, harassment, threats (English and Spanish,
over folded text; the conventions are in rules/risk_terms.py)."""

from __future__ import annotations

# fmt: off
HARM_PHRASES: dict[str, tuple[str, ...]] = {
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
}
# fmt: on
