"""A labelled test corpus of school material, written by hand and rendered at run time in every input kind."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

#: (topic, language, text). Several sentences each, the way worksheets and lesson notes are written.
PASSAGES: tuple[tuple[str, str, str], ...] = (
    # mathematics
    (
        "mathematics",
        "en",
        "Worksheet 4: Fractions. Colour in three quarters of each shape. Which is bigger, 2/3 or "
        "3/5? "
        "Explain how you know. Put these fractions in order from smallest to largest: 1/2, 1/8, 3/4, 5/8. "
        "Remember that the denominator tells you how many equal parts the whole is split into.",
    ),
    (
        "mathematics",
        "en",
        "Long multiplication practice. Work out 346 x 27 using the column method. Show every step "
        "and check your answer by estimating first: 350 x 30 = 10500. Then solve the word problem: a school buys "
        "24 boxes of pencils with 36 pencils in each box. How many pencils does it buy altogether?",
    ),
    (
        "mathematics",
        "fr",
        "Exercice 3 : calcule le périmètre et l'aire de chaque rectangle. Le premier mesure 8 cm "
        "de long et 5 cm de large. Le second a une longueur de 12 cm et une largeur de 3 cm. Lequel a la plus "
        "grande aire ? Trace ensuite un carré qui a le même périmètre que le premier rectangle.",
    ),
    (
        "mathematics",
        "fr",
        "Résous les équations suivantes et vérifie ta solution : 3x + 5 = 20 ; 2(x - 4) = 10 ; "
        "7 - x = 2x + 1. Pour chaque équation, écris les étapes du calcul. Rappel : on peut ajouter ou soustraire "
        "le même nombre aux deux membres d'une égalité sans changer la solution.",
    ),
    (
        "mathematics",
        "nl",
        "Rekenen blok 5. Maak de deelsommen: 144 : 12 = ... en 96 : 8 = ... Schrijf bij elke som "
        "hoe je het hebt uitgerekend. Daarna de verhaaltjessom: Lotte heeft 3 zakken met elk 15 knikkers. Ze geeft "
        "er 12 weg aan haar broertje. Hoeveel knikkers houdt ze over?",
    ),
    (
        "mathematics",
        "nl",
        "Meetkunde: in een rechthoekige driehoek geldt de stelling van Pythagoras. Bereken de "
        "lengte van de schuine zijde als de twee rechthoekszijden 6 cm en 8 cm lang zijn. Teken de driehoek op "
        "schaal in je schrift en meet de hoeken met je geodriehoek. Klopt je berekening?",
    ),
    # science
    (
        "science",
        "en",
        "Plants need light, water and air to grow. In today's experiment we will put one bean plant "
        "in a dark cupboard and another on the windowsill. Predict what will happen to each plant after one week. "
        "Record your observations in the table and explain your results using the word photosynthesis.",
    ),
    (
        "science",
        "en",
        "States of matter. Ice is a solid, water is a liquid and steam is a gas. When we heat ice it "
        "melts, and when water boils it turns into water vapour. Draw a diagram of the particles in each state. "
        "What happens to the particles when a liquid cools down and freezes?",
    ),
    (
        "science",
        "fr",
        "La chaîne alimentaire. Dans la forêt, le lapin mange de l'herbe et le renard mange le "
        "lapin. Les végétaux sont des producteurs et les animaux sont des consommateurs. Complète le schéma en "
        "plaçant les flèches dans le bon sens. Que se passerait-il si tous les renards disparaissaient ?",
    ),
    (
        "science",
        "fr",
        "Expérience : le circuit électrique. Avec une pile, deux fils et une ampoule, réalise un "
        "circuit fermé. Que se passe-t-il si tu ouvres l'interrupteur ? Dessine le schéma du circuit avec les "
        "symboles normalisés. Explique pourquoi le courant ne passe pas dans un circuit ouvert.",
    ),
    (
        "science",
        "nl",
        "Het lichaam van de mens. Je hart pompt bloed door je hele lichaam. In je longen komt "
        "zuurstof in je bloed terecht. Leg uit wat er met je hartslag gebeurt als je een rondje hardloopt. Meet je "
        "polsslag voor en na het rennen en schrijf de uitkomst in de tabel.",
    ),
    (
        "science",
        "nl",
        "Proefje: drijven en zinken. Neem een bak met water en verschillende voorwerpen: een kurk, een "
        "spijker, een appel en een plastic dopje. Voorspel eerst welke voorwerpen blijven drijven. Doe daarna de "
        "proef en vergelijk je voorspelling met wat je waarneemt. Heeft het met het gewicht of met het "
        "materiaal te maken?",
    ),
    # history
    (
        "history",
        "en",
        "The Romans invaded Britain in AD 43 under the emperor Claudius. They built roads, forts and "
        "towns such as Londinium. Boudicca, queen of the Iceni tribe, led a rebellion against them in AD 60. Use the "
        "timeline to find out how long the Romans stayed in Britain, and give two reasons why they left.",
    ),
    (
        "history",
        "en",
        "The First World War began in 1914. Soldiers on the Western Front lived in trenches that were "
        "cold, wet and dangerous. Read the letter written by a young soldier to his mother and answer the questions. "
        "What does the source tell us about daily life in the trenches? How reliable is it?",
    ),
    (
        "history",
        "fr",
        "Au Moyen Âge, la société est divisée en trois ordres : ceux qui prient, ceux qui combattent "
        "et ceux qui travaillent. Le seigneur vit dans son château fort et protège les paysans de sa seigneurie. En "
        "échange, les paysans lui doivent des corvées. Décris la vie quotidienne d'un paysan au XIIe siècle.",
    ),
    (
        "history",
        "fr",
        "Le 14 juillet 1789, le peuple de Paris prend la Bastille. C'est le début de la Révolution "
        "française. En août, l'Assemblée adopte la Déclaration des droits de l'homme et du citoyen. Place ces "
        "événements sur la frise chronologique et explique pourquoi le roi Louis XVI a perdu son pouvoir.",
    ),
    (
        "history",
        "nl",
        "In de Gouden Eeuw was de Republiek een van de rijkste landen van de wereld. Schepen van de "
        "VOC voeren naar Azië om specerijen te halen. Rembrandt schilderde in Amsterdam. Maar niet iedereen was rijk: "
        "veel mensen leefden in armoede. Noem twee oorzaken van de welvaart in de zeventiende eeuw.",
    ),
    (
        "history",
        "nl",
        "Tijdens de Tweede Wereldoorlog werd Nederland vijf jaar bezet door Duitsland. Anne Frank "
        "zat met haar familie ondergedoken in het Achterhuis. Lees het fragment uit haar dagboek. Wat vertelt deze "
        "bron over het leven van onderduikers? Waarom is het dagboek zo belangrijk geworden?",
    ),
    # geography
    (
        "geography",
        "en",
        "Rivers and their journey. A river starts at its source, usually in the mountains, and "
        "flows downhill to its mouth at the sea. Label the source, the tributaries, the meanders and the estuary on "
        "the map. Which of the world's rivers is the longest? Find it in your atlas.",
    ),
    (
        "geography",
        "en",
        "Compare two places: a village in Kenya and your own town. Think about the climate, the "
        "landscape, the jobs people do and how they travel. Use the photographs and the map key to help you. Write "
        "three similarities and three differences, and mark both places on the world map.",
    ),
    (
        "geography",
        "fr",
        "La France est un pays d'Europe de l'Ouest. Elle est bordée par la mer du Nord, la Manche, "
        "l'océan Atlantique et la mer Méditerranée. Sur la carte, colorie en bleu les quatre grands fleuves : la "
        "Seine, la Loire, la Garonne et le Rhône. Indique le nom des principales chaînes de montagnes.",
    ),
    (
        "geography",
        "fr",
        "Les climats du monde. Près de l'équateur, il fait chaud et humide toute l'année : c'est "
        "le climat équatorial. Aux pôles, il fait très froid. Observe le planisphère et la légende, puis classe les "
        "villes suivantes selon leur zone climatique : Dakar, Oslo, Manaus, Le Caire, Sydney.",
    ),
    (
        "geography",
        "nl",
        "Nederland ligt voor een groot deel onder de zeespiegel. Dijken, duinen en gemalen "
        "beschermen het land tegen het water. Zoek op de kaart de provincies Zeeland en Flevoland. Leg uit hoe een "
        "polder is ontstaan en waarom de Deltawerken na de watersnoodramp van 1953 zijn gebouwd.",
    ),
    (
        "geography",
        "nl",
        "Topografie Europa. Schrijf bij elk nummer op de blinde kaart de naam van het land en de "
        "hoofdstad. Welke landen grenzen aan Nederland? Welke rivier stroomt door Keulen en mondt uit in de Noordzee? "
        "Gebruik je atlas en let op de windrichtingen.",
    ),
    # language and literature (the child's own school language)
    (
        "language_literature",
        "en",
        "Read the poem 'The Owl and the Pussy-cat' by Edward Lear. Underline the words "
        "that rhyme at the end of each line. How many verses does the poem have? Describe the two main characters "
        "and write a new verse about what happens after the wedding.",
    ),
    (
        "language_literature",
        "en",
        "Grammar check. Circle the nouns and underline the verbs in each sentence. "
        "Then add the missing punctuation: capital letters, full stops, commas and question marks. Finally, rewrite "
        "the paragraph in the past tense and check your spelling with a dictionary.",
    ),
    (
        "language_literature",
        "fr",
        "Dictée préparée. Apprends à écrire les mots suivants : autrefois, longtemps, "
        "heureux, la forêt, le château. Attention aux accords dans le groupe nominal et aux terminaisons des verbes "
        "à l'imparfait. Souligne le sujet de chaque verbe conjugué dans le texte.",
    ),
    (
        "language_literature",
        "fr",
        "Lecture : Le Petit Prince d'Antoine de Saint-Exupéry. Relis le chapitre où le "
        "petit prince rencontre le renard. Que veut dire le renard quand il parle d'apprivoiser ? Relève deux phrases "
        "qui montrent l'amitié entre les personnages et donne ton avis sur ce passage du récit.",
    ),
    (
        "language_literature",
        "nl",
        "Begrijpend lezen. Lees de tekst over de uitvinder van de fiets goed door. "
        "Beantwoord daarna de vragen in hele zinnen. Wat is de hoofdgedachte van de tekst? Zoek in de tweede alinea "
        "een signaalwoord dat een tegenstelling aangeeft en schrijf een passende titel bij het verhaal.",
    ),
    (
        "language_literature",
        "nl",
        "Spelling: de werkwoorden in de verleden tijd. Denk aan 't kofschip: werkte, "
        "fietste, maar woonde en speelde. Vul de juiste vorm in: Gisteren (praten) ik met de juf. Wij (rennen) naar "
        "huis. Zoek in elke zin de persoonsvorm en het onderwerp en onderstreep ze.",
    ),
    # foreign language (instructions in the child's language, about another language)
    (
        "foreign_language",
        "en",
        "French homework, unit 3: at the café. Learn the new words: un croissant, une "
        "boisson, l'addition s'il vous plaît. Translate these sentences into French: I would like a hot chocolate. "
        "How much is it? Then practise the dialogue with a partner and record yourself to check your pronunciation.",
    ),
    (
        "foreign_language",
        "en",
        "Spanish vocabulary test on Friday: the family. Learn how to say mother, father, "
        "brother and sister in Spanish: la madre, el padre, el hermano, la hermana. Remember that nouns in Spanish "
        "are masculine or feminine. Write five sentences in Spanish to introduce the members of your family.",
    ),
    (
        "foreign_language",
        "fr",
        "Anglais, leçon 5 : my daily routine. Apprends le vocabulaire de la journée : "
        "to wake up (se réveiller), to have breakfast (prendre le petit déjeuner), to go to school (aller à l'école). "
        "Traduis ensuite les phrases en anglais et conjugue les verbes au présent simple. N'oublie pas le -s à la "
        "troisième personne.",
    ),
    (
        "foreign_language",
        "fr",
        "Espagnol LV2. Complète le dialogue au marché avec les mots de la liste : manzanas, "
        "cuánto cuesta, un kilo, gracias. Ensuite, traduis le dialogue en français. Pour la prochaine séance, "
        "apprends les nombres de un à cent en espagnol et entraîne-toi à les prononcer à voix haute.",
    ),
    (
        "foreign_language",
        "nl",
        "Engels, hoofdstuk 2: at the airport. Leer de woordjes uit de woordenlijst: "
        "luggage (bagage), passport (paspoort), to board (aan boord gaan), departure (vertrek). Vertaal de zinnen "
        "naar het Engels en let op de uitspraak. Volgende week is er een overhoring van deze woorden.",
    ),
    (
        "foreign_language",
        "nl",
        "Frans: de lidwoorden le, la en les. In het Frans is elk zelfstandig naamwoord "
        "mannelijk of vrouwelijk. Vertaal: de tafel (la table), het boek (le livre), de schoenen (les chaussures). "
        "Schrijf daarna vijf zinnen in het Frans over je kamer en lees ze hardop voor aan je buur.",
    ),
    # music
    (
        "music",
        "en",
        "Music lesson: rhythm and beat. Clap the rhythm on the board while your partner keeps a steady "
        "beat on the drum. A crotchet lasts one beat and two quavers fill the same time. Compose a four-bar rhythm "
        "of your own and write it down using the correct notes and rests.",
    ),
    (
        "music",
        "en",
        "Listen to the first movement of Vivaldi's Four Seasons, 'Spring'. Which instruments can you "
        "hear? How does the composer use the violins to imitate birdsong? Describe the tempo and the dynamics, and "
        "say whether the music makes you think of spring.",
    ),
    (
        "music",
        "fr",
        "Éducation musicale. Écoute la Marche turque de Mozart et repère le refrain. Combien de fois "
        "revient-il ? Sur la portée, recopie les notes de la mélodie en clé de sol. Chante ensuite la chanson de la "
        "semaine avec la chorale en respectant les nuances piano et forte.",
    ),
    (
        "music",
        "fr",
        "Les familles d'instruments. Dans l'orchestre symphonique, on trouve les cordes, les bois, les "
        "cuivres et les percussions. Classe ces instruments dans la bonne famille : violon, trompette, flûte "
        "traversière, timbales, violoncelle, clarinette. Quel instrument joue la note la plus grave ?",
    ),
    (
        "music",
        "nl",
        "Muziekles. We zingen vandaag een lied in canon. Groep één begint, groep twee valt in na de "
        "eerste regel. Let goed op het ritme en de maat: het lied staat in een driekwartsmaat. Speel daarna de "
        "melodie na op de blokfluit of het xylofoon.",
    ),
    (
        "music",
        "nl",
        "Luister naar het fragment uit de opera Die Zauberflöte van Mozart. Welke stem hoor je: sopraan, "
        "alt, tenor of bas? Beschrijf het tempo en de dynamiek. Schrijf op welke instrumenten van het orkest de "
        "zangeres begeleiden en hoe de muziek verandert aan het einde.",
    ),
    # arts
    (
        "arts",
        "en",
        "Art project: Van Gogh's Sunflowers. Look closely at how the painter uses thick brush strokes "
        "and warm yellows and oranges. Sketch a vase of flowers in pencil first, then paint it using only three "
        "colours. Mix them on your palette to make new shades and describe the texture you created.",
    ),
    (
        "arts",
        "en",
        "Clay sculpture. Model a small animal from clay using the pinch and coil techniques. Score and "
        "slip the pieces before you join them so they do not crack in the kiln. When your sculpture is dry, decorate "
        "it with glaze and take a photograph of it for our class gallery.",
    ),
    (
        "arts",
        "fr",
        "Arts plastiques : le portrait à la manière de Picasso. Observe le tableau et repère comment "
        "l'artiste montre le visage de face et de profil en même temps. Dessine un portrait au crayon, puis peins-le "
        "à la gouache avec des couleurs vives. Donne un titre à ton oeuvre.",
    ),
    (
        "arts",
        "fr",
        "Les couleurs primaires sont le rouge, le jaune et le bleu. En les mélangeant, on obtient les "
        "couleurs secondaires. Réalise un cercle chromatique avec ta peinture et ton pinceau. Ensuite, crée un "
        "paysage en utilisant uniquement des couleurs froides, puis le même avec des couleurs chaudes.",
    ),
    (
        "arts",
        "nl",
        "Tekenen: perspectief. Teken een straat met huizen die naar een verdwijnpunt aan de horizon "
        "lopen. Gebruik een liniaal voor de hulplijnen en gum ze daarna voorzichtig uit. Kleur je tekening met "
        "kleurpotloden en zorg voor licht en schaduw op de gevels.",
    ),
    (
        "arts",
        "nl",
        "Kunst en cultuur: de Nachtwacht van Rembrandt. Bekijk het schilderij in het Rijksmuseum of op "
        "het digibord. Hoe laat Rembrandt het licht op de figuren vallen? Maak in je schetsboek een eigen "
        "groepsportret van je klas met houtskool en let op licht en donker.",
    ),
    # computing
    (
        "computing",
        "en",
        "Computing: programming in Scratch. Make the cat sprite move across the stage when the "
        "green flag is clicked. Use a forever loop and an if block so that the cat turns around when it touches the "
        "edge. Test your code, find the bug in the example program and explain how you fixed it.",
    ),
    (
        "computing",
        "en",
        "Staying safe online. Never share your password, even with friends. Think before you post a "
        "photo on the internet, because it can stay there for ever. Write three rules for using a computer or tablet "
        "at home and explain what you would do if a stranger sent you a message.",
    ),
    (
        "computing",
        "fr",
        "Informatique : écris un algorithme qui permet au robot de sortir du labyrinthe. Utilise "
        "les instructions avancer, tourner à gauche et tourner à droite, et une boucle répéter. Programme ensuite "
        "ton algorithme sur la tablette et teste-le. Que se passe-t-il si tu changes l'ordre des instructions ?",
    ),
    (
        "computing",
        "fr",
        "Le codage binaire. Un ordinateur ne comprend que des 0 et des 1. Chaque chiffre binaire "
        "s'appelle un bit et huit bits forment un octet. Convertis les nombres suivants en binaire : 5, 12, 31. "
        "Explique pourquoi le logiciel doit stocker les données sous cette forme.",
    ),
    (
        "computing",
        "nl",
        "Programmeren met Python. Schrijf een programma dat de gebruiker om zijn naam vraagt en "
        "hem daarna begroet. Gebruik een variabele en de functie print. Breid je code uit met een lus die de "
        "begroeting vijf keer herhaalt. Sla het bestand op en voer het uit.",
    ),
    (
        "computing",
        "nl",
        "Mediawijsheid. Hoe herken je nepnieuws op internet? Kijk naar de website, de schrijver en "
        "de datum. Kies een sterk wachtwoord met letters, cijfers en tekens en deel het met niemand. Maak in "
        "tweetallen een poster met tips om veilig online te zijn.",
    ),
    # physical education
    (
        "physical_education",
        "en",
        "PE lesson plan: athletics. Start with a five-minute warm-up jog around the field "
        "and some stretching. Practise the sprint start and the baton change for the relay race. Finish with the "
        "long jump: measure your best jump and write it on the score sheet. Cool down before going inside.",
    ),
    (
        "physical_education",
        "en",
        "Basketball skills. Dribble the ball around the cones with your left hand and then "
        "your right hand. Work with a partner on chest passes and bounce passes. In the small-sided game, every "
        "player must touch the ball before your team can shoot. Remember fair play and listen to the referee.",
    ),
    (
        "physical_education",
        "fr",
        "EPS : séance d'athlétisme. Commence par un échauffement de dix minutes : "
        "course lente, montées de genoux et étirements. Ensuite, entraîne-toi au saut en longueur et au lancer de "
        "balle. Note tes performances dans ton carnet et essaie de battre ton record à la prochaine séance.",
    ),
    (
        "physical_education",
        "fr",
        "Sports collectifs : le handball. Par équipes de cinq, faites des passes sans "
        "que le ballon touche le sol. Le gardien reste dans sa zone. Respecte les règles du jeu et l'arbitre. À la fin "
        "du match, chaque équipe analyse ce qui a bien fonctionné en attaque et en défense.",
    ),
    (
        "physical_education",
        "nl",
        "Gymles: vandaag werken we in circuitvorm in de gymzaal. Bij de eerste post "
        "spring je op de trampoline, bij de tweede klim je in het wandrek en bij de derde oefen je de handstand. "
        "Vergeet je gymschoenen niet en doe eerst een goede warming-up.",
    ),
    (
        "physical_education",
        "nl",
        "Bewegingsonderwijs: korfbal. Werk in tweetallen aan het gooien en vangen van de "
        "bal. Daarna spelen we een wedstrijd van tien minuten. Let op: je mag niet lopen met de bal en je mag niet "
        "schieten als je verdediger dichtbij staat. Wie scoort de meeste doelpunten?",
    ),
    # religion and ethics
    (
        "religion_ethics",
        "en",
        "RE: festivals of light. Hindus and Sikhs celebrate Diwali, and Jewish families "
        "light the candles of the menorah at Hanukkah. Compare the two festivals: what do they remember, how are "
        "they celebrated and why is light an important symbol in both religions?",
    ),
    (
        "religion_ethics",
        "en",
        "Thinking about right and wrong. Is it ever acceptable to tell a lie to protect a "
        "friend's feelings? Discuss the question with your group and give reasons for your answer. What would "
        "happen if everyone lied? Think about honesty, trust and kindness.",
    ),
    (
        "religion_ethics",
        "fr",
        "Enseignement moral et civique. Qu'est-ce que la tolérance ? Lis la situation : "
        "un nouvel élève arrive dans la classe et certains se moquent de lui. Explique ce que tu ressens et ce que "
        "tu pourrais faire. Rédige ensemble une charte pour que chacun soit respecté à l'école.",
    ),
    (
        "religion_ethics",
        "fr",
        "Les grandes religions. Le christianisme, l'islam et le judaïsme ont un lieu de "
        "prière : l'église, la mosquée et la synagogue. Relie chaque religion à son livre saint et à une fête "
        "importante. Pourquoi dit-on que ce sont des religions monothéistes ?",
    ),
    (
        "religion_ethics",
        "nl",
        "Levensbeschouwing. In de Bijbel staat het verhaal van de barmhartige Samaritaan. "
        "Een man wordt overvallen en langs de weg achtergelaten. Twee mensen lopen door, maar een Samaritaan helpt "
        "hem. Wat wil Jezus met dit verhaal vertellen? Wanneer heb jij iemand geholpen?",
    ),
    (
        "religion_ethics",
        "nl",
        "Tijdens de ramadan vasten moslims van zonsopgang tot zonsondergang. Aan het einde "
        "vieren ze het Suikerfeest. Vergelijk het vasten met de veertigdagentijd van christenen voor Pasen. Waarom "
        "vasten gelovige mensen, denk je? Bespreek het in je groepje.",
    ),
    # everyday material: word problems, dilemmas, experiments, crafts and computer work without subject names
    (
        "mathematics",
        "en",
        "Problem solving. Grandma bakes 36 biscuits and puts them into bags of 4. How many bags "
        "does she fill? At the school fair a cake costs £2.50 and a drink costs 80p. Mia pays with a £5 note. How "
        "much change does she get? Show your working out.",
    ),
    (
        "mathematics",
        "fr",
        "Problèmes du jour. Au marché, Paul achète 3 kg de pommes à 2 euros le kilo et un melon à "
        "4 euros. Combien paie-t-il en tout ? Il donne un billet de 20 euros. Combien le marchand lui rend-il ? "
        "Dans la "
        "classe, 28 élèves se mettent par rangées de 7. Combien y a-t-il de rangées ?",
    ),
    (
        "mathematics",
        "nl",
        "Verhaaltjessommen. Op het schoolreisje gaan 54 kinderen mee. In elke bus passen 18 "
        "kinderen. Hoeveel bussen zijn er nodig? Een ijsje kost 1,50 euro. Sem koopt er 3 en betaalt met een briefje "
        "van 10 euro. Hoeveel wisselgeld krijgt hij terug?",
    ),
    (
        "religion_ethics",
        "en",
        "Circle time. Your best friend tells you a secret and asks you not to tell anyone. "
        "Later you find out that someone is being hurt. Should you keep the secret? Talk about it with your partner: "
        "what is the right thing to do, and how would each person feel?",
    ),
    (
        "religion_ethics",
        "nl",
        "Kringgesprek. Een klasgenoot wordt elke dag gepest op het schoolplein. Je ziet "
        "het gebeuren, maar je durft niets te zeggen. Wat zou jij doen? Is het eerlijk om weg te kijken? Praat samen "
        "over vriendschap, respect en wat je kunt doen om te helpen.",
    ),
    (
        "science",
        "fr",
        "Expérience : l'eau qui gèle. Remplis un petit pot d'eau, note le niveau et place-le au "
        "congélateur. Que va-t-il se passer ? Écris ta prédiction. Le lendemain, observe le glaçon : le niveau "
        "a-t-il changé ? Mesure la température avec un thermomètre.",
    ),
    (
        "arts",
        "en",
        "Make a spring collage. Cut out flower shapes from coloured paper and tissue paper. Glue them "
        "onto a sheet of card, then add leaves with green felt-tip pens or paint. Think about which colours look "
        "best together and leave your picture to dry flat.",
    ),
    (
        "computing",
        "fr",
        "Au travail sur l'ordinateur. Ouvre le logiciel de traitement de texte et tape ta "
        "poésie. Choisis une police lisible, mets le titre en gras puis enregistre ton fichier dans le dossier de "
        "la classe. N'oublie pas de fermer ta session avec ton identifiant.",
    ),
)

#: Short or mixed pieces with no honest single answer.
HARD: tuple[tuple[str, str], ...] = (
    ("short", "Page 3"),
    ("short", "Bonjour !"),
    ("short", "Name: ______ Date: ______"),
    ("mixed", "Le chat est noir. The dog is white and big. De koe staat in de wei."),
    ("weak", "Read the text carefully and answer the questions below. Write your name at the top of the page."),
    ("weak", "Lis attentivement la consigne et réponds aux questions. N'oublie pas d'écrire ton prénom."),
    ("numbers", "12 + 7 = ...\n30 - 4 = ...\n5 x 6 = ..."),
)

KINDS: tuple[str, ...] = (
    "text_pdf",
    "text",
    "image_png",
    "text_pdf",
    "text",
    "scanned_pdf",
    "text_pdf",
    "image_jpeg",
    "text",
    "text_pdf",
    "image_webp",
)
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-16", "cp1252", "latin-1")


@dataclass(frozen=True)
class LabelledDoc:
    """One rendered corpus document and its true labels."""

    content: bytes
    content_type: str
    filename: str
    topic: str
    language: str
    kind: str
    text: str


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size)
    return ImageFont.load_default(size=size)


def render_image(text: str, *, width: int = 1400, size: int = 30) -> Image.Image:
    """Render text as a page photo would show it: dark text on a light background.

    :param text: what the page says
    :param width: image width in pixels
    :param size: font size in pixels
    """
    lines = [line for paragraph in text.split("\n") for line in textwrap.wrap(paragraph, 70) or [""]]
    height = 80 + int(len(lines) * size * 1.5)
    image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    font = _font(size)
    for index, line in enumerate(lines):
        draw.text((50, 40 + int(index * size * 1.5)), line, fill=(20, 20, 30), font=font)
    return image


def text_pdf(text: str) -> bytes:
    """Return a one-page PDF with a real text layer (core Helvetica font).

    :param text: latin-1 text
    """
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def scanned_pdf(text: str) -> bytes:
    """Return a PDF holding only a picture of the text, as a scanner produces.

    :param text: what the page says
    """
    buffer = io.BytesIO()
    render_image(text).convert("L").save(buffer, format="PDF", resolution=150.0)
    return buffer.getvalue()


def image_bytes(text: str, image_format: str) -> bytes:
    """Return the text rendered as an image file.

    :param text: what the page says
    :param image_format: a Pillow format name such as PNG, JPEG or WEBP
    """
    buffer = io.BytesIO()
    options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {}
    render_image(text).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def render(text: str, kind: str, index: int = 0) -> tuple[bytes, str, str]:
    """Return ``(content, content_type, extension)`` for a text rendered as one input kind.

    :param text: what the document says
    :param kind: ``text_pdf``, ``scanned_pdf``, ``text``, ``image_png``, ``image_jpeg`` or ``image_webp``
    :param index: picks the text encoding for ``text`` documents
    """
    if kind == "text_pdf":
        return text_pdf(text), "application/pdf", "pdf"
    if kind == "scanned_pdf":
        return scanned_pdf(text), "application/pdf", "pdf"
    if kind == "text":
        encoding = ENCODINGS[index % len(ENCODINGS)]
        return text.encode(encoding), "text/plain", "txt"
    image_format = kind.split("_", 1)[1].upper()
    return image_bytes(text, image_format), f"image/{image_format.lower()}", image_format.lower()


def build_corpus(directory: Path | None = None) -> list[LabelledDoc]:
    """Render every passage as one input kind, rotating through the kinds, and optionally write the files.

    :param directory: where to write the files, or None to keep them in memory
    """
    docs: list[LabelledDoc] = []
    for index, (topic, language, text) in enumerate(PASSAGES):
        kind = KINDS[index % len(KINDS)]
        content, content_type, extension = render(text, kind, index)
        filename = f"{index:03d}-{topic}-{language}.{extension}"
        docs.append(LabelledDoc(content, content_type, filename, topic, language, kind, text))
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / filename).write_bytes(content)
    return docs
