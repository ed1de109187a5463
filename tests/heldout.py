"""An evaluation set for the quick scan, written independently of the engine's vocabularies.

Each sample is school material as a parent might photograph or upload it for a child aged 6 to 14: worksheets,
homework, lesson summaries, tests, reading texts and notes from teachers. A foreign-language sheet is labelled
with the language its instructions are written in. About a third of the samples avoid the subject's most obvious
words (a sharing problem for mathematics, a balloon for science, a castle's daily life for history).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One labelled text: what it is about and the language it is written in."""

    text: str
    topic: str
    language: str


HELDOUT: tuple[Sample, ...] = (
    # English
    Sample(
        "Grandma baked 36 cookies and wants to share them equally between Tom, Lily and their four cousins. How many "
        "cookies does each child get? Will any be left on the plate?",
        "mathematics",
        "en",
    ),
    Sample(
        "Homework for Thursday: page 42, exercises 1 to 6. Work out the area of each rectangle in square "
        "centimetres, then find its perimeter. Remember that the perimeter is the distance all the way round the "
        "shape.",
        "mathematics",
        "en",
    ),
    Sample(
        "Fractions test, Year 5. 1) Which is bigger, 3/4 or 5/8? Explain how you know. 2) Write 0.6 as a fraction in "
        "its simplest form. 3) Add 2/3 and 1/6. 4) A pizza is cut into 8 equal slices and Sam eats 3 of them. What "
        "fraction of the pizza is left?",
        "mathematics",
        "en",
    ),
    Sample(
        "Dear parents, this half term we are learning the times tables up to 12 x 12. Please practise with your "
        "child for ten minutes each evening, for example in the car or while cooking dinner. There will be a short "
        "quiz every Friday morning, and children who know all their tables by Easter will receive a certificate.",
        "mathematics",
        "en",
    ),
    Sample(
        "The coach leaves school at 8:45 and the trip to the farm takes 1 hour and 20 minutes. At what time will we "
        "arrive? We stay at the farm for 3 and a half hours. When do we set off back?",
        "mathematics",
        "en",
    ),
    Sample(
        "Round each number to the nearest ten, then to the nearest hundred: 347, 1 052, 98, 2 465. Next, estimate "
        "312 + 589 before you calculate it exactly. How close was your estimate?",
        "mathematics",
        "en",
    ),
    Sample(
        "Blow up a balloon and rub it on your jumper for a few seconds. Now hold it just above some tiny pieces of "
        "tissue paper. What happens? Write down what you notice and try to explain why.",
        "science",
        "en",
    ),
    Sample(
        "Lesson summary: plants need light, water, air and warmth to grow. The roots take in water from the soil, "
        "the stem carries it up to the leaves, and the leaves use sunlight to make food. This process is called "
        "photosynthesis.",
        "science",
        "en",
    ),
    Sample(
        "Put one ice cube on a plate on the sunny windowsill and another on a plate in a dark cupboard. Check them "
        "every five minutes. Which one disappears first? Draw a table to record your results and say whether your "
        "prediction was right.",
        "science",
        "en",
    ),
    Sample(
        "Science quiz. 1. Name the three states of matter. 2. At what temperature does water boil? 3. Which gas do "
        "we breathe out? 4. Label the parts of a flower: petal, stamen, stem and sepal. 5. Why do we see lightning "
        "before we hear thunder?",
        "science",
        "en",
    ),
    Sample(
        "Our class is looking after five caterpillars this month. Every morning the children check how much they "
        "have eaten and measure how long they have grown. Soon they will hang upside down and make a chrysalis. In "
        "about two weeks we hope to let the butterflies go in the school garden. Please ask your child about them!",
        "science",
        "en",
    ),
    Sample(
        "Bats. Bats are the only mammals that can truly fly. Their wings are made of thin skin stretched between "
        "very long finger bones. Most bats sleep during the day, hanging upside down in caves, barns or hollow "
        "trees. At dusk they wake up and go hunting. Many of them find their food in the dark by making high squeaks "
        "and listening for the echoes that bounce back from moths and other insects. A single bat can eat hundreds "
        "of insects in one night. In winter, when there is little food, bats hibernate: their heartbeat slows down "
        "and their body temperature drops. Answer the questions: 1. How do bats find food in the dark? 2. What do "
        "bats do in winter? 3. Why are bats useful to farmers?",
        "science",
        "en",
    ),
    Sample(
        "Inside the castle walls, the day began long before sunrise. Servants lit the fires in the great hall and "
        "the cook baked bread for the whole household. The lord's sons practised with wooden swords while the ladies "
        "sewed by the window. At night the drawbridge was raised and guards walked along the battlements with "
        "torches.",
        "history",
        "en",
    ),
    Sample(
        "Homework: find out three facts about the Romans in Britain. Why did they build Hadrian's Wall? What did "
        "they bring with them that the Celts did not have? Write a short paragraph and add a picture if you like.",
        "history",
        "en",
    ),
    Sample(
        "Timeline task: put these events in order, starting with the oldest: the first moon landing, the end of the "
        "Second World War, the invention of the printing press, the Battle of Hastings. Write the year next to each "
        "one.",
        "history",
        "en",
    ),
    Sample(
        "Imagine you are a child sent away from London in 1940 to stay in the countryside. Write a letter home "
        "describing the long journey on the train, the family you are living with and what you miss most about home.",
        "history",
        "en",
    ),
    Sample(
        "In a classroom a hundred and fifty years ago, children sat in long rows and wrote on slates with chalk. "
        "Boys and girls often came in through separate doors. Anyone who talked could be made to stand in the "
        "corner. Give three differences between that classroom and yours.",
        "history",
        "en",
    ),
    Sample(
        "Using your atlas, name the seven continents and the five oceans. Colour each continent a different colour "
        "on the blank world map and write the name of each ocean in capital letters.",
        "geography",
        "en",
    ),
    Sample(
        "Rivers topic: a river starts at its source, often high in the hills, and flows downhill to its mouth, where "
        "it meets the sea. Smaller streams that join it are called tributaries. Label these words on the diagram: "
        "source, tributary, meander, estuary.",
        "geography",
        "en",
    ),
    Sample(
        "Your family is driving from Calais to Barcelona for the holidays. Which countries will you pass through? "
        "Roughly how many kilometres is the journey, and how long might it take if you stop for lunch?",
        "geography",
        "en",
    ),
    Sample(
        "Test: 1) What is the capital city of Spain? 2) Which is the longest river in Africa? 3) What is the "
        "difference between weather and climate? 4) Give two reasons why people choose to live near volcanoes.",
        "geography",
        "en",
    ),
    Sample(
        "Dear families, next Tuesday Year 4 will visit the coast to see how the waves wear away the cliffs and move "
        "the pebbles along the beach. Children will need wellies, a waterproof coat and a packed lunch.",
        "geography",
        "en",
    ),
    Sample(
        "Spelling list, week 6: because, friend, beautiful, necessary, separate, rhythm, believe, which, their, "
        "accommodation. Practise each word using look, say, cover, write, check.",
        "language_literature",
        "en",
    ),
    Sample(
        "Read chapter 3 of our class novel. Why do you think Mia hid the letter under her pillow? Find two words the "
        "author uses to show that she is nervous, and explain what they tell us about her.",
        "language_literature",
        "en",
    ),
    Sample(
        "Grammar: underline the nouns in red and the verbs in blue. Then rewrite each sentence in the past tense. a) "
        "The dog runs across the park. b) We eat our lunch under the big tree. c) My brother sings in the bath.",
        "language_literature",
        "en",
    ),
    Sample(
        "Write a poem about autumn. Use at least two similes and try to make some of your lines rhyme. Read it aloud "
        "to someone at home and ask them which line they liked best.",
        "language_literature",
        "en",
    ),
    Sample(
        "A small fox found a golden key lying in the snow. Where does the key lead? Carry on from here and finish it "
        "in your own way. Remember capital letters, full stops and speech marks whenever somebody talks.",
        "language_literature",
        "en",
    ),
    Sample(
        "Reading at home. Please listen to your child read for at least fifteen minutes every day and sign the "
        "reading record. Ask questions as you go: what has happened so far, how a character might be feeling, what "
        "could happen next. Encourage them to sound out tricky words rather than guessing. New books are changed on "
        "Mondays and Thursdays.",
        "language_literature",
        "en",
    ),
    Sample(
        "French homework: learn these words for Monday. le chien = the dog, le chat = the cat, la maison = the "
        "house, la pomme = the apple, l'école = school. Then translate into French: I have a dog. The house is big.",
        "foreign_language",
        "en",
    ),
    Sample(
        "Spanish vocabulary test on Friday: the days of the week. lunes, martes, miércoles, jueves, viernes, sábado, "
        "domingo. Practise saying them out loud with the audio on the class page.",
        "foreign_language",
        "en",
    ),
    Sample(
        "Match the German words to their English meanings: der Apfel, die Schule, das Buch, der Hund. Then write "
        "three sentences about your family in German, for example: Ich habe einen Bruder.",
        "foreign_language",
        "en",
    ),
    Sample(
        "Role play: you are in a café in Paris. Order a hot chocolate and a croissant, ask how much it costs and say "
        "thank you. Useful phrases: je voudrais, c'est combien, merci beaucoup. Practise with a partner.",
        "foreign_language",
        "en",
    ),
    Sample(
        "Write the numbers in words in Spanish: 5, 12, 20, 33. Then answer the question ¿Cuántos años tienes? in a "
        "full sentence.",
        "foreign_language",
        "en",
    ),
    Sample(
        "Practise your recorder for ten minutes every day. This week we are learning the notes B, A and G and the "
        "first line of Hot Cross Buns. Remember to cover the holes completely with the pads of your fingers.",
        "music",
        "en",
    ),
    Sample(
        "Listen to the piece twice. Is the tempo fast or slow? Which instruments can you hear? Does it get louder or "
        "quieter towards the end? Describe how it makes you feel.",
        "music",
        "en",
    ),
    Sample(
        "Clap this rhythm: ta ta ti-ti ta. Now write it down using crotchets and quavers. How many beats are there "
        "in each bar?",
        "music",
        "en",
    ),
    Sample(
        "Dear parents, the school choir will sing at the spring concert on 14 March. Rehearsals are on Tuesdays at "
        "lunchtime. Please help your child learn the words of the three songs in the folder.",
        "music",
        "en",
    ),
    Sample(
        "Make a shaker from a yoghurt pot and some dried rice, and a drum from an empty tin. Play along to your "
        "favourite song and keep in time with the beat.",
        "music",
        "en",
    ),
    Sample(
        "Colour mixing: mix red and yellow, then blue and yellow, then red and blue. Paint each new colour in a "
        "circle. Which colours have you made? These are called the secondary colours.",
        "arts",
        "en",
    ),
    Sample(
        "Look closely at a leaf and draw it with a soft pencil. Use light and dark shading to show where the shadows "
        "fall. Try not to rub anything out.",
        "arts",
        "en",
    ),
    Sample(
        "Please send in an empty cereal box, some old magazines and a few bottle tops by Wednesday. We are making "
        "masks for our carnival parade, and the children can decorate them with feathers and glitter.",
        "arts",
        "en",
    ),
    Sample(
        "Study the painting Sunflowers by Vincent van Gogh. What colours did he use? How do the brushstrokes make "
        "the flowers look alive? Now create your own still life in the same style using oil pastels.",
        "arts",
        "en",
    ),
    Sample(
        "Cut shapes from coloured paper and arrange them into a picture of your street. Glue them down only when you "
        "are happy with the layout.",
        "arts",
        "en",
    ),
    Sample(
        "Write an algorithm for making a jam sandwich. Each step must be exact, so that a robot could follow it. "
        "Test it on a partner: did they make the sandwich correctly, or did you miss a step?",
        "computing",
        "en",
    ),
    Sample(
        "In Scratch, make the cat move 10 steps when the right arrow key is pressed. Add a loop so that it keeps "
        "moving, and an if block so that it says Ouch! when it touches the edge of the stage.",
        "computing",
        "en",
    ),
    Sample(
        "Staying safe online: never share your password, even with a friend. If a message makes you feel "
        "uncomfortable, tell an adult you trust. Think before you click on a link or download an app.",
        "computing",
        "en",
    ),
    Sample(
        "The bee has to reach the flower on the grid. Write the list of arrows it needs: forward, forward, turn "
        "right, forward. Where does it end up if you swap the two turns? Can you find a shorter route?",
        "computing",
        "en",
    ),
    Sample(
        "Type your story on the laptop, make the title bold and size 20, insert a picture, then save the file in "
        "your own folder with your name in the file name.",
        "computing",
        "en",
    ),
    Sample(
        "Sports day is on Friday 21 June. Children should wear their house colour T-shirt, shorts and trainers, and "
        "bring a water bottle and a sun hat. Parents are welcome to watch the races from 1.30 pm.",
        "physical_education",
        "en",
    ),
    Sample(
        "Warm-up: jog around the hall twice, then do ten star jumps and stretch your arms and legs. Why is it "
        "important to warm up before exercise? How does your heart feel afterwards?",
        "physical_education",
        "en",
    ),
    Sample(
        "Swimming lessons start next week for Year 3. Please pack a swimming costume, a towel and goggles in a named "
        "bag. Long hair must be tied back and no jewellery may be worn in the pool.",
        "physical_education",
        "en",
    ),
    Sample(
        "Throw the beanbag into the hoop from three big steps away. Each time you get it in, take one step back. How "
        "far can you get? Write down your best distance and try to beat it tomorrow.",
        "physical_education",
        "en",
    ),
    Sample(
        "PE kit reminder: Class 6 have games outside on Wednesdays this term, so please send in a tracksuit and "
        "football boots as well as the indoor kit.",
        "physical_education",
        "en",
    ),
    Sample(
        "Diwali is the Hindu festival of light. Families light small oil lamps called diyas, share sweets and "
        "remember the story of Rama and Sita. Find out how one other religion celebrates light during the darker "
        "months.",
        "religion_ethics",
        "en",
    ),
    Sample(
        "Talk about this at home: is it ever okay to tell a lie? Think of a situation where telling the truth might "
        "hurt someone. What would you do, and why?",
        "religion_ethics",
        "en",
    ),
    Sample(
        "The parable of the Good Samaritan: a man is attacked on the road to Jericho. A priest and a Levite walk "
        "past, but a Samaritan stops to help him. What does this story teach us about how we should treat others?",
        "religion_ethics",
        "en",
    ),
    Sample(
        "In RE this term we are learning about places of worship: a church, a mosque, a synagogue and a gurdwara. "
        "Choose two of them and write what is special about each one.",
        "religion_ethics",
        "en",
    ),
    Sample(
        "Your friend has been left out of a game at playtime and is sitting alone. Write what you would do and say. "
        "How do you think your friend feels, and how would you feel in their place?",
        "religion_ethics",
        "en",
    ),
    # French
    Sample(
        "Léa a 24 billes. Elle en donne le tiers à son frère, puis la moitié de ce qui reste à sa cousine. Combien "
        "de billes lui reste-t-il ? Explique ta démarche.",
        "mathematics",
        "fr",
    ),
    Sample(
        "Pose et calcule en colonnes : 458 + 276 ; 903 − 487 ; 36 × 24. Vérifie chaque résultat avec une opération "
        "inverse.",
        "mathematics",
        "fr",
    ),
    Sample(
        "Géométrie : trace un triangle rectangle dont les côtés de l'angle droit mesurent 4 cm et 3 cm. Mesure le "
        "troisième côté avec ta règle. Quel est le périmètre du triangle ?",
        "mathematics",
        "fr",
    ),
    Sample(
        "Chers parents, cette semaine nous révisons les tables de multiplication de 6, 7 et 8. Une petite "
        "interrogation aura lieu vendredi. Merci de faire réciter votre enfant chaque soir, même quelques minutes.",
        "mathematics",
        "fr",
    ),
    Sample(
        "Pour la fête de l'école, on installe 8 rangées de 15 chaises dans la cour. 112 personnes sont attendues. Y "
        "aura-t-il assez de places pour tout le monde ? Combien de chaises resteront vides ?",
        "mathematics",
        "fr",
    ),
    Sample(
        "Au marché, maman achète 2 kg de pommes à 1,80 € le kilo et un melon à 2,50 €. Elle paie avec un billet de "
        "10 €. Combien lui rend-on ?",
        "mathematics",
        "fr",
    ),
    Sample(
        "Avec l'aide d'un adulte, pose un verre retourné sur une bougie allumée. Que se passe-t-il au bout de "
        "quelques secondes ? Pourquoi la flamme finit-elle par s'éteindre ?",
        "science",
        "fr",
    ),
    Sample(
        "Résumé de la leçon : le cycle de l'eau. Sous l'effet de la chaleur du soleil, l'eau des mers et des lacs "
        "s'évapore. La vapeur se refroidit en altitude et forme des nuages. L'eau retombe ensuite sous forme de "
        "pluie ou de neige et rejoint les rivières, puis la mer.",
        "science",
        "fr",
    ),
    Sample(
        "Fais germer trois haricots dans du coton humide. Mets-en un dans le placard, un près de la fenêtre et "
        "laisse le troisième sans eau. Observe-les pendant une semaine et dessine ce que tu vois chaque jour.",
        "science",
        "fr",
    ),
    Sample(
        "Contrôle de sciences. 1. Cite les cinq sens. 2. Quel organe pompe le sang dans tout le corps ? 3. Qu'est-ce "
        "qu'un animal vertébré ? Donne deux exemples. 4. De quoi se nourrit un herbivore ?",
        "science",
        "fr",
    ),
    Sample(
        "Remplis une bouteille en plastique d'eau, ferme-la bien et mets-la au congélateur jusqu'au lendemain. Que "
        "remarques-tu quand tu la sors ? La bouteille a-t-elle changé de forme ?",
        "science",
        "fr",
    ),
    Sample(
        "Au Moyen Âge, la vie au château commençait très tôt. Les serviteurs allumaient le feu dans la grande salle, "
        "le boulanger cuisait le pain et les fils du seigneur apprenaient à monter à cheval. Le soir, on relevait le "
        "pont-levis et les gardes faisaient le tour des remparts.",
        "history",
        "fr",
    ),
    Sample(
        "Leçon : la Révolution française. Le 14 juillet 1789, le peuple de Paris prend la Bastille. En août, les "
        "députés votent la Déclaration des droits de l'homme et du citoyen. En 1792, la royauté est abolie. Apprends "
        "ces dates par cœur pour jeudi.",
        "history",
        "fr",
    ),
    Sample(
        "Range ces personnages dans l'ordre chronologique : Charlemagne, Louis XIV, Napoléon Bonaparte, Jules César. "
        "Écris à côté de chacun le siècle où il a vécu.",
        "history",
        "fr",
    ),
    Sample(
        "Les hommes de la préhistoire vivaient de la chasse et de la cueillette. Ils taillaient des outils en silex "
        "et peignaient des animaux sur les parois des grottes. Comment savons-nous tout cela aujourd'hui ?",
        "history",
        "fr",
    ),
    Sample(
        "Demande à tes grands-parents comment se passait l'école quand ils étaient petits. Avaient-ils un plumier et "
        "de l'encre ? Portaient-ils une blouse ? Note leurs réponses et compare avec ta journée.",
        "history",
        "fr",
    ),
    Sample(
        "Une journée dans une abbaye au XIIe siècle. Les moines se levaient en pleine nuit pour la première prière. "
        "À l'aube, ils se réunissaient de nouveau, puis chacun partait à son travail. Certains cultivaient le "
        "potager ou s'occupaient des ruches. D'autres recopiaient des livres à la main, lettre après lettre, dans "
        "une salle appelée le scriptorium. Un seul livre pouvait demander plusieurs mois de travail. Les repas se "
        "prenaient en silence pendant qu'un frère lisait à voix haute. Les voyageurs et les pauvres étaient "
        "accueillis à la porte. Questions : pourquoi les livres étaient-ils si précieux à cette époque ? Qui pouvait "
        "lire ? Que s'est-il passé quand l'imprimerie a été inventée ?",
        "history",
        "fr",
    ),
    Sample(
        "Sur la carte de France, colorie en bleu les quatre grands fleuves : la Loire, la Seine, le Rhône et la "
        "Garonne. Indique aussi les principales chaînes de montagnes.",
        "geography",
        "fr",
    ),
    Sample(
        "Qu'est-ce qu'un climat tempéré ? Cite deux pays qui ont un climat désertique et explique pourquoi peu de "
        "gens y habitent.",
        "geography",
        "fr",
    ),
    Sample(
        "Cet été, la famille Dupont part de Lille pour aller camper près de Marseille. Par quelles grandes villes "
        "passe-t-elle ? Combien de kilomètres va-t-elle parcourir environ ?",
        "geography",
        "fr",
    ),
    Sample(
        "Contrôle : 1) Quelle est la capitale de la Belgique ? 2) Sur quel continent se trouve le Brésil ? 3) Nomme "
        "une mer ou un océan qui borde la France. 4) Qu'est-ce qu'une île ? 5) Pourquoi les villes se sont-elles "
        "souvent construites au bord d'un fleuve ?",
        "geography",
        "fr",
    ),
    Sample(
        "Dans les Alpes, les villages se trouvent souvent dans les vallées, à l'abri du vent. En hiver, beaucoup de "
        "touristes viennent y faire du ski ; en été, les bergers montent les troupeaux dans les alpages. Explique "
        "pourquoi on y trouve de moins en moins d'agriculteurs.",
        "geography",
        "fr",
    ),
    Sample(
        "Dictée de la semaine : Le petit chat gris s'est caché sous les feuilles mortes. Ses yeux brillaient dans "
        "l'obscurité et il attendait patiemment que la pluie s'arrête.",
        "language_literature",
        "fr",
    ),
    Sample(
        "Conjugaison : écris les verbes entre parenthèses au passé composé. Hier, nous (aller) au marché. Les "
        "enfants (finir) leurs devoirs. Tu (prendre) le train de huit heures.",
        "language_literature",
        "fr",
    ),
    Sample(
        "Lis la fable « Le Corbeau et le Renard » de Jean de La Fontaine. Quelle est la morale de cette fable ? "
        "Apprends les dix premiers vers pour mardi.",
        "language_literature",
        "fr",
    ),
    Sample(
        "Grammaire : souligne le sujet en rouge et le verbe en bleu. Ensuite, indique si le complément souligné est "
        "un COD ou un COI.",
        "language_literature",
        "fr",
    ),
    Sample(
        "Quand Lucas ouvrit la vieille boîte trouvée au grenier, une lumière verte envahit la pièce… Invente la "
        "suite en au moins dix lignes et n'oublie pas les guillemets quand les personnages parlent.",
        "language_literature",
        "fr",
    ),
    Sample(
        "Chers parents, chaque vendredi votre enfant rapporte un livre de la bibliothèque de la classe. Prenez le "
        "temps de le lire avec lui et posez-lui quelques questions : qui sont les personnages, où se passe "
        "l'histoire, comment se termine-t-elle ? Il présentera son livre préféré à la classe à la fin du mois.",
        "language_literature",
        "fr",
    ),
    Sample(
        "Anglais : apprends le vocabulaire des couleurs : red = rouge, blue = bleu, green = vert, yellow = jaune, "
        "black = noir. Traduis en anglais : Mon chat est noir. J'aime le vert.",
        "foreign_language",
        "fr",
    ),
    Sample(
        "Néerlandais, leçon 4 : les jours de la semaine. maandag, dinsdag, woensdag, donderdag, vrijdag, zaterdag, "
        "zondag. Interrogation orale jeudi ; entraîne-toi à bien les prononcer.",
        "foreign_language",
        "fr",
    ),
    Sample(
        "Complète avec am, is ou are : I ___ ten years old. She ___ my sister. They ___ in the garden. Puis écris "
        "trois phrases pour te présenter en anglais.",
        "foreign_language",
        "fr",
    ),
    Sample(
        "Jeu de rôle en allemand : tu es à la boulangerie. Demande deux petits pains, demande le prix et dis merci. "
        "Expressions utiles : Ich möchte…, Was kostet das?, Danke schön.",
        "foreign_language",
        "fr",
    ),
    Sample(
        "Écoute la chanson Head, Shoulders, Knees and Toes et montre chaque partie du corps quand tu l'entends. "
        "Écris ensuite le mot anglais sous chaque dessin.",
        "foreign_language",
        "fr",
    ),
    Sample(
        "Solfège : écris le nom des notes sur la portée : do, ré, mi, fa, sol. Combien de temps dure une blanche ? "
        "Et une noire ?",
        "music",
        "fr",
    ),
    Sample(
        "Écoute Le Carnaval des animaux de Camille Saint-Saëns. Quel instrument joue le rôle de l'éléphant ? Le "
        "morceau est-il rapide ou lent, fort ou doux ?",
        "music",
        "fr",
    ),
    Sample(
        "Chers parents, la chorale de l'école donnera un concert le 20 juin à 18 heures. Les enfants doivent "
        "apprendre les paroles des trois chansons jointes à ce mot.",
        "music",
        "fr",
    ),
    Sample(
        "Avec ta flûte, joue Frère Jacques en commençant par sol. Enregistre-toi et écoute si tu reprends ton "
        "souffle au bon moment.",
        "music",
        "fr",
    ),
    Sample(
        "Fabrique un petit tambour avec une boîte de conserve et un ballon coupé. Tape doucement, puis plus fort, et "
        "invente un rythme que tes camarades devront répéter.",
        "music",
        "fr",
    ),
    Sample(
        "Arts plastiques : réalise un autoportrait à la manière de Picasso en découpant ton visage en formes "
        "géométriques. Utilise des couleurs vives et des feutres.",
        "arts",
        "fr",
    ),
    Sample(
        "Mélange les couleurs primaires deux à deux. Quelles couleurs secondaires obtiens-tu ? Peins un arc-en-ciel "
        "avec les couleurs que tu as créées.",
        "arts",
        "fr",
    ),
    Sample(
        "Merci d'apporter lundi une vieille chemise pour protéger les vêtements, des bouchons, des rouleaux de "
        "papier toilette vides et un tube de colle. Nous fabriquerons des animaux pour décorer le couloir.",
        "arts",
        "fr",
    ),
    Sample(
        "Observe le tableau La Nuit étoilée. Décris ce que tu vois au premier plan et à l'arrière-plan. Quelles "
        "émotions l'artiste veut-il exprimer avec ces tourbillons ?",
        "arts",
        "fr",
    ),
    Sample(
        "Avec de la pâte à modeler, façonne un animal imaginaire. Donne-lui un nom et raconte en deux phrases où il "
        "vit.",
        "arts",
        "fr",
    ),
    Sample(
        "Programme le robot pour qu'il sorte du labyrinthe : utilise les flèches avancer, tourner à gauche et "
        "tourner à droite. Combien d'instructions faut-il au minimum ?",
        "computing",
        "fr",
    ),
    Sample(
        "Sur Scratch, crée un petit jeu : le chat doit attraper la souris. Utilise une boucle « répéter indéfiniment "
        "» et un bloc « si… alors ». Ajoute une variable pour compter les points.",
        "computing",
        "fr",
    ),
    Sample(
        "Internet : quelles informations ne faut-il jamais donner en ligne ? Pourquoi faut-il choisir un mot de "
        "passe difficile à deviner ? Que fais-tu si un inconnu t'écrit ?",
        "computing",
        "fr",
    ),
    Sample(
        "Ouvre le traitement de texte, tape ton poème, mets le titre en gras et en taille 20, puis enregistre le "
        "fichier dans ton dossier.",
        "computing",
        "fr",
    ),
    Sample(
        "Écris les consignes pour qu'un camarade aux yeux bandés aille de la porte jusqu'au tableau : trois pas en "
        "avant, quart de tour à droite… Ses gestes suivent-ils exactement tes ordres ?",
        "computing",
        "fr",
    ),
    Sample(
        "EPS : le cycle natation commence mardi. Pensez au maillot de bain, au bonnet et à la serviette. Les "
        "lunettes de piscine sont conseillées.",
        "physical_education",
        "fr",
    ),
    Sample(
        "Course d'endurance : cours pendant 6 minutes sans t'arrêter, à ton rythme. Compte les tours de piste. "
        "Comment se sent ton cœur après l'effort ?",
        "physical_education",
        "fr",
    ),
    Sample(
        "Chers parents, le cross de l'école aura lieu le vendredi 18 octobre au stade municipal. Prévoyez une tenue "
        "de sport, des baskets et une gourde.",
        "physical_education",
        "fr",
    ),
    Sample(
        "Par équipes de quatre, faites passer le ballon sans qu'il touche le sol. Il est interdit de courir avec le "
        "ballon dans les mains !",
        "physical_education",
        "fr",
    ),
    Sample(
        "Saute à la corde dix fois à pieds joints, puis dix fois sur un pied. Chronomètre-toi et essaie de faire "
        "mieux la semaine prochaine.",
        "physical_education",
        "fr",
    ),
    Sample(
        "Morale : est-il juste de se moquer de quelqu'un parce qu'il est différent ? Donne ton avis en trois phrases "
        "et propose une solution.",
        "religion_ethics",
        "fr",
    ),
    Sample(
        "Le ramadan est le mois de jeûne des musulmans. Il se termine par une grande fête, l'Aïd. Cite une autre "
        "religion qui pratique le jeûne et explique pourquoi.",
        "religion_ethics",
        "fr",
    ),
    Sample(
        "Récit biblique : Noé construit une grande arche pour sauver sa famille et les animaux du déluge. Quel signe "
        "Dieu envoie-t-il à la fin de l'histoire ?",
        "religion_ethics",
        "fr",
    ),
    Sample(
        "Cours de religion : cette semaine, nous découvrons la fête de Pâques. Pourquoi les chrétiens la "
        "célèbrent-ils ? Que se passe-t-il pendant la semaine sainte ?",
        "religion_ethics",
        "fr",
    ),
    Sample(
        "Ton ami a cassé le jouet d'un camarade et te demande de ne rien dire. Que fais-tu ? Est-ce que garder un "
        "secret est toujours une bonne chose ?",
        "religion_ethics",
        "fr",
    ),
    # Dutch
    Sample(
        "Mama heeft 3 zakjes snoepjes met elk 12 snoepjes. Ze verdeelt ze eerlijk onder 4 kinderen. Hoeveel snoepjes "
        "krijgt ieder kind?",
        "mathematics",
        "nl",
    ),
    Sample(
        "Huiswerk rekenen: maak blz. 34, oefening 1 tot en met 5. Let op: eerst vermenigvuldigen, dan optellen. "
        "Schrijf je tussenstappen op.",
        "mathematics",
        "nl",
    ),
    Sample(
        "Breuken: welke breuk is groter, 2/3 of 3/5? Kleur 3/8 van de rechthoek. Reken uit: 1/4 + 2/4 en 5/6 − 1/3.",
        "mathematics",
        "nl",
    ),
    Sample(
        "Beste ouders, deze week oefenen we de tafels van 6 tot en met 9. Op vrijdag is er een kleine toets. Wilt u "
        "thuis elke dag even met uw kind oefenen?",
        "mathematics",
        "nl",
    ),
    Sample(
        "De bakker verkoopt broodjes per zak van 6. Juf Anke wil voor alle 27 kinderen van de klas een broodje. "
        "Hoeveel zakken moet ze kopen? Hoeveel broodjes blijven er over?",
        "mathematics",
        "nl",
    ),
    Sample(
        "Meet met je liniaal de lengte en de breedte van je schrift. Hoeveel vierkante centimeter is de kaft? "
        "Hoeveel van die schriften passen er naast elkaar op je tafel?",
        "mathematics",
        "nl",
    ),
    Sample(
        "Proefje: doe een lepel zout in een glas warm water en roer. Wat gebeurt er met het zout? Zet het glas een "
        "paar dagen op de vensterbank. Wat zie je dan?",
        "science",
        "nl",
    ),
    Sample(
        "Samenvatting: de kringloop van het water. Door de warmte van de zon verdampt water uit de zee. De waterdamp "
        "koelt af en vormt wolken. Daarna valt het water terug als regen of sneeuw.",
        "science",
        "nl",
    ),
    Sample(
        "Natuur en techniek: een magneet trekt sommige voorwerpen aan. Probeer het uit met een paperclip, een gum, "
        "een sleutel en een houten potlood. Zet je resultaten in een tabel.",
        "science",
        "nl",
    ),
    Sample(
        "Toets. 1. Noem drie organen in je lichaam. 2. Wat heeft een plant nodig om te groeien? 3. Wat is het "
        "verschil tussen een insect en een spin? 4. Waarom worden bladeren in de herfst bruin?",
        "science",
        "nl",
    ),
    Sample(
        "Zet een ballon over de hals van een lege fles. Zet de fles in een bak met heet water. Wat gebeurt er met de "
        "ballon? En wat gebeurt er als je de fles daarna in ijswater zet? Beschrijf wat je ziet.",
        "science",
        "nl",
    ),
    Sample(
        "Beste ouders, volgende week gaan we met de klas naar de kinderboerderij. De kinderen leren hoe kuikens uit "
        "het ei komen en wat koeien, geiten en konijnen eten. Elk kind maakt daarna een werkblad over de dieren die "
        "het gezien heeft.",
        "science",
        "nl",
    ),
    Sample(
        "In de middeleeuwen woonde de ridder met zijn familie in een burcht. Overdag oefenden de schildknapen met "
        "het zwaard, in de keuken werd brood gebakken en 's avonds werd de ophaalbrug omhooggetrokken.",
        "history",
        "nl",
    ),
    Sample(
        "De Gouden Eeuw: in de zeventiende eeuw voeren Nederlandse schepen naar Azië om specerijen te halen. "
        "Amsterdam werd een rijke handelsstad. Leer de jaartallen voor de toets van dinsdag.",
        "history",
        "nl",
    ),
    Sample(
        "Zet deze gebeurtenissen op de tijdlijn: de Romeinen in onze streken, de uitvinding van de boekdrukkunst, de "
        "Eerste Wereldoorlog, de eerste mens op de maan.",
        "history",
        "nl",
    ),
    Sample(
        "Vraag aan je opa of oma hoe hun schooltijd eruitzag. Schreven ze op een lei? Hoe kwamen ze op school? "
        "Schrijf hun verhaal op in tien zinnen.",
        "history",
        "nl",
    ),
    Sample(
        "Wereldoriëntatie: hoe leefden de mensen in de steentijd? Ze jaagden op wilde dieren, verzamelden bessen en "
        "maakten werktuigen van vuursteen. Later gingen ze boeren en bouwden ze de eerste huizen.",
        "history",
        "nl",
    ),
    Sample(
        "Aardrijkskunde: zoek in de atlas de provincies van Nederland en hun hoofdsteden. Kleur de provincies op de "
        "blinde kaart.",
        "geography",
        "nl",
    ),
    Sample(
        "Waarom ligt een groot deel van Nederland onder de zeespiegel? Leg uit wat een polder is en waarvoor dijken "
        "dienen.",
        "geography",
        "nl",
    ),
    Sample(
        "Een rivier begint bij de bron en stroomt naar de monding. Welke grote rivieren stromen door België? In "
        "welke zee komen ze uit?",
        "geography",
        "nl",
    ),
    Sample(
        "Jullie gaan met de auto op vakantie naar Spanje. Door welke landen rijd je? Hoeveel kilometer is het "
        "ongeveer, en in welke richting rijd je?",
        "geography",
        "nl",
    ),
    Sample(
        "Toets. 1) Wat is de hoofdstad van Frankrijk? 2) Noem twee landen die aan België grenzen. 3) Wat is het "
        "verschil tussen een stad en een dorp? 4) Waarom wonen er zo weinig mensen in de woestijn?",
        "geography",
        "nl",
    ),
    Sample(
        "Wonen aan de kust. Vroeger woonden er aan de Noordzeekust vooral vissers. Ze gingen met kleine bootjes de "
        "zee op en verkochten hun vangst op de markt. Tegenwoordig komen er elke zomer duizenden toeristen naar de "
        "badplaatsen. Er zijn hotels, campings en appartementen gebouwd. De duinen beschermen het land tegen de zee, "
        "maar ze moeten goed onderhouden worden. Bij een zware storm kan de zee veel zand wegspoelen. Daarom wordt "
        "er soms extra zand op het strand gespoten. Opdracht: zoek op de kaart drie badplaatsen. Leg uit waarom de "
        "duinen belangrijk zijn. Welke beroepen zijn er nu aan de kust die er vroeger niet waren?",
        "geography",
        "nl",
    ),
    Sample(
        "Dictee woordpakket 7: fiets, vijver, ijsbeer, eikel, trein, pijl, geit, reis, wij, klein. Let op: ei of ij?",
        "language_literature",
        "nl",
    ),
    Sample(
        "Taal: zet de werkwoorden in de verleden tijd. Ik (lopen) naar huis. Wij (fietsen) naar het strand. Zij "
        "(praten) te lang. Denk aan 't kofschip!",
        "language_literature",
        "nl",
    ),
    Sample(
        "Lees het verhaal over de reus en het meisje en beantwoord de vragen. Waarom was de reus verdrietig? Wat zou "
        "jij gedaan hebben als je het meisje was?",
        "language_literature",
        "nl",
    ),
    Sample(
        "Maak een gedichtje over de herfst. Gebruik minstens twee woorden die rijmen en lees het voor aan iemand "
        "thuis.",
        "language_literature",
        "nl",
    ),
    Sample(
        "Schrijf een brief aan je beste vriend over je weekend. Begin met een aanhef en eindig met een groet. "
        "Vergeet de hoofdletters en de punten niet.",
        "language_literature",
        "nl",
    ),
    Sample(
        "Begrijpend lezen. Lees de tekst over de vuurtorenwachter twee keer. Onderstreep de woorden die je niet kent "
        "en zoek ze op in het woordenboek. Wie is de hoofdpersoon? Waar speelt het verhaal zich af? Welke titel zou "
        "jij de tekst geven? Leg in twee zinnen uit waarom.",
        "language_literature",
        "nl",
    ),
    Sample(
        "Frans: leer de woordjes van les 3. le pain = het brood, le fromage = de kaas, la pomme = de appel, l'eau = "
        "het water. Vertaal naar het Frans: Ik eet een appel.",
        "foreign_language",
        "nl",
    ),
    Sample(
        "Engels: vul in met do of does. ___ you like pizza? ___ he play football? Schrijf daarna drie zinnen over je "
        "hobby's in het Engels.",
        "foreign_language",
        "nl",
    ),
    Sample(
        "Woordjestoets Engels op maandag: the kitchen = de keuken, the bedroom = de slaapkamer, the garden = de "
        "tuin, upstairs = boven, downstairs = beneden.",
        "foreign_language",
        "nl",
    ),
    Sample(
        "Duits: hoe stel je jezelf voor? Ich heiße…, Ich bin … Jahre alt, Ich wohne in … Oefen het gesprekje met een "
        "klasgenoot.",
        "foreign_language",
        "nl",
    ),
    Sample(
        "Frans, les 7: hoe vraag je de weg? Où est la gare ? C'est à gauche, c'est à droite, tout droit. Maak een "
        "plattegrondje en speel het gesprek na met je buur.",
        "foreign_language",
        "nl",
    ),
    Sample(
        "Muziek: luister naar het fragment. Welke instrumenten hoor je? Is het tempo snel of langzaam? Wordt de "
        "muziek harder of zachter?",
        "music",
        "nl",
    ),
    Sample(
        "Klap het ritme na: ta ta titi ta. Schrijf het op met kwartnoten en achtste noten. Hoeveel tellen heeft elke "
        "maat?",
        "music",
        "nl",
    ),
    Sample(
        "Beste ouders, op 12 december treedt het schoolkoor op in de kerk. Wilt u met uw kind de liedjes oefenen? De "
        "teksten zitten in de map.",
        "music",
        "nl",
    ),
    Sample(
        "Neem een lege fles, een doos met elastiekjes en twee pannendeksels. Maak er zelf een instrument van en "
        "speel een kort stukje voor de klas.",
        "music",
        "nl",
    ),
    Sample(
        "Blokfluitles: oefen deze week de noten g, a en b. Speel het liedje drie keer per dag en let op dat je zacht "
        "blaast.",
        "music",
        "nl",
    ),
    Sample(
        "Tekenen: teken een stilleven van drie voorwerpen uit de keuken. Let op licht en schaduw en gebruik een "
        "zacht potlood.",
        "arts",
        "nl",
    ),
    Sample(
        "Beeldende vorming: we maken een collage over de zee. Neem oude tijdschriften, een schaar en lijm mee.",
        "arts",
        "nl",
    ),
    Sample(
        "Kijk naar het schilderij van Mondriaan. Welke kleuren gebruikte hij? Maak zelf een werk met alleen rechte "
        "lijnen en primaire kleuren.",
        "arts",
        "nl",
    ),
    Sample(
        "Boetseer met klei een dier dat je graag ziet. Laat het een week drogen en verf het daarna in.", "arts", "nl"
    ),
    Sample(
        "Knip uit gekleurd papier allerlei vormen en leg er een bos mee. Plak pas als je tevreden bent over hoe "
        "alles ligt.",
        "arts",
        "nl",
    ),
    Sample(
        "Programmeren: laat de robot van start naar finish rijden. Schrijf de opdrachten op: vooruit, links, rechts. "
        "Kan het met minder stappen?",
        "computing",
        "nl",
    ),
    Sample(
        "Mediawijsheid: wat doe je als iemand je een gemeen bericht stuurt? Deel je wachtwoord nooit met anderen, "
        "ook niet met je beste vriend.",
        "computing",
        "nl",
    ),
    Sample(
        "Maak in Scratch een spel waarin de kat sterren verzamelt. Gebruik een herhaallus en een variabele voor de "
        "score.",
        "computing",
        "nl",
    ),
    Sample(
        "Typ je verhaal in de tekstverwerker, zet de titel vet en sla het bestand op in je eigen map.",
        "computing",
        "nl",
    ),
    Sample(
        "Geef je klasgenoot met een blinddoek opdrachten om van de deur naar het bord te lopen: drie stappen "
        "vooruit, kwartslag naar rechts… Doet hij precies wat je zegt?",
        "computing",
        "nl",
    ),
    Sample(
        "Gymles: vergeet je gymkleren en gymschoenen niet op dinsdag en donderdag. Sieraden moeten af.",
        "physical_education",
        "nl",
    ),
    Sample(
        "Beste ouders, volgende week start het schoolzwemmen. Geef een handdoek en zwemkleding mee in een tas met "
        "naam.",
        "physical_education",
        "nl",
    ),
    Sample(
        "Sportdag: de kinderen doen zaklopen, touwtrekken en een estafette. Graag zonnebrand en een drinkfles "
        "meegeven.",
        "physical_education",
        "nl",
    ),
    Sample(
        "Spring tien keer over het touw zonder te stoppen. Lukt het ook op één been? Probeer het daarna samen met "
        "een vriendje.",
        "physical_education",
        "nl",
    ),
    Sample(
        "Verdeel de klas in twee ploegen. Wie getikt wordt, gaat op de bank zitten tot een teamgenoot hem bevrijdt. "
        "Welk team houdt het langst vol?",
        "physical_education",
        "nl",
    ),
    Sample(
        "Godsdienst: vertel het verhaal van de verloren zoon na. Waarom was de vader zo blij toen zijn zoon terugkwam?",
        "religion_ethics",
        "nl",
    ),
    Sample(
        "Levensbeschouwing: wat betekent vriendschap voor jou? Is het erg als je eens ruzie hebt met een vriend?",
        "religion_ethics",
        "nl",
    ),
    Sample(
        "Het suikerfeest sluit de ramadan af. Moslims vieren het met familie, lekker eten en cadeautjes. Welke "
        "feesten vieren jullie thuis?",
        "religion_ethics",
        "nl",
    ),
    Sample(
        "Filosoferen met kinderen: mag je een kleine leugen vertellen om iemand niet te kwetsen? Bespreek dit thuis.",
        "religion_ethics",
        "nl",
    ),
    Sample(
        "Een klasgenoot wordt steeds uitgelachen om zijn kleren. Wat kun jij doen? Hoe zou jij je voelen als het jou "
        "overkwam?",
        "religion_ethics",
        "nl",
    ),
    # German
    Sample(
        "Lisa hat 48 Murmeln und verteilt sie gleichmäßig auf 6 Säckchen. Wie viele Murmeln sind in jedem Säckchen? "
        "Schreibe die Rechnung auf.",
        "mathematics",
        "de",
    ),
    Sample(
        "Mathe-Hausaufgabe: Buch Seite 58, Aufgaben 3 bis 7. Rechne schriftlich und mache die Probe mit der "
        "Umkehraufgabe.",
        "mathematics",
        "de",
    ),
    Sample(
        "Versuch: Lege einen Nagel in ein Glas Wasser und einen zweiten in ein trockenes Glas. Was beobachtest du "
        "nach einer Woche? Warum rostet nur einer der Nägel?",
        "science",
        "de",
    ),
    Sample(
        "Im Mittelalter lebten die meisten Menschen auf dem Land. Die Bauern mussten dem Grundherrn einen Teil ihrer "
        "Ernte abgeben. Wie sah ein Tag im Leben eines Bauernkindes aus?",
        "history",
        "de",
    ),
    Sample(
        "Suche im Atlas die Bundesländer Deutschlands und ihre Hauptstädte. Welcher Fluss fließt durch Köln, und in "
        "welches Meer mündet er?",
        "geography",
        "de",
    ),
    Sample(
        "Diktat: Der kleine Igel suchte im Herbstlaub nach Futter. Schreibe die Nomen mit großem Anfangsbuchstaben "
        "und unterstreiche die Verben.",
        "language_literature",
        "de",
    ),
    Sample(
        "Englisch-Vokabeln für Montag: the apple = der Apfel, the school = die Schule, the teacher = die Lehrerin. "
        "Übersetze ins Englische: Ich habe einen Hund.",
        "foreign_language",
        "de",
    ),
    Sample(
        "Musik: Höre dir das Stück an. Welche Instrumente erkennst du? Ist das Tempo schnell oder langsam? Klatsche "
        "den Rhythmus mit.",
        "music",
        "de",
    ),
    Sample(
        "Kunst: Male ein Bild im Stil von Paul Klee mit Wasserfarben. Mische die Grundfarben zu neuen Farben.",
        "arts",
        "de",
    ),
    Sample(
        "Informatik: Schreibe eine Anleitung für den Roboter, damit er aus dem Labyrinth findet. Benutze die Befehle "
        "vorwärts, links und rechts.",
        "computing",
        "de",
    ),
    Sample(
        "Sport: Bitte denkt am Mittwoch an Turnschuhe und Sportkleidung. Wir üben Weitsprung und einen Staffellauf.",
        "physical_education",
        "de",
    ),
    Sample(
        "Religion: Erzähle die Geschichte von der Arche Noah nach. Warum baute Noah ein so großes Schiff?",
        "religion_ethics",
        "de",
    ),
    # Spanish
    Sample(
        "Marta tiene 30 caramelos y quiere repartirlos entre sus 5 amigos. ¿Cuántos caramelos le tocan a cada uno? "
        "¿Sobra alguno?",
        "mathematics",
        "es",
    ),
    Sample(
        "Experimento: pon una semilla de judía en un algodón mojado. Obsérvala cada día y dibuja cómo cambia. ¿Qué "
        "necesita para crecer?",
        "science",
        "es",
    ),
    Sample(
        "Los romanos construyeron acueductos, puentes y calzadas en Hispania. Busca información sobre el acueducto "
        "de Segovia y escribe tres datos.",
        "history",
        "es",
    ),
    Sample(
        "Imagina que vives en un castillo hace ochocientos años. ¿Quién cocina? ¿Dónde duermes? ¿Qué haces cuando "
        "llegan los enemigos? Cuéntalo en cinco líneas.",
        "history",
        "es",
    ),
    Sample(
        "Señala en el mapa de España los ríos Ebro, Tajo y Guadalquivir. ¿En qué mar u océano desemboca cada uno?",
        "geography",
        "es",
    ),
    Sample(
        "Lengua: subraya los adjetivos del texto y escribe su femenino. Después, copia el poema con buena letra y "
        "apréndelo de memoria.",
        "language_literature",
        "es",
    ),
    Sample(
        "Inglés: aprende los colores: red = rojo, blue = azul, green = verde. Traduce al inglés: Mi perro es marrón.",
        "foreign_language",
        "es",
    ),
    Sample(
        "Música: practica con la flauta las notas sol, la y si. El jueves tocaremos Cumpleaños feliz en clase.",
        "music",
        "es",
    ),
    Sample(
        "Plástica: dibuja un paisaje de otoño y píntalo con ceras. Utiliza colores cálidos: rojo, naranja y amarillo.",
        "arts",
        "es",
    ),
    Sample(
        "Programa en Scratch un gato que se mueva con las flechas del teclado. Añade un bucle para que no se detenga "
        "nunca.",
        "computing",
        "es",
    ),
    Sample(
        "Educación física: el martes trae ropa deportiva, zapatillas y una botella de agua. Haremos un circuito de "
        "saltos y carreras.",
        "physical_education",
        "es",
    ),
    Sample(
        "Valores: ¿qué significa ser un buen compañero? Escribe tres cosas que puedes hacer para ayudar a alguien "
        "que está triste.",
        "religion_ethics",
        "es",
    ),
)
