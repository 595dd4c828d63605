import departementsData from '@etalab/decoupage-administratif/data/departements.json';
import regionsData from '@etalab/decoupage-administratif/data/regions.json';

/**
 * French names of the national dataset: « Département du Finistère », « Médiathèque d’Angers »,
 * « CAF des Bouches-du-Rhône ». INSEE gives each territory's article as its `typeLiaison`
 * (0 « de », 1 « d’ », 2 « du », 3 « de la », 4 « des », 5 « de l’ »).
 */
const LINKS = ['de ', 'd’', 'du ', 'de la ', 'des ', 'de l’'];

const liaisons = new Map<string, number>([
  ...departementsData.map((d) => [`departement:${d.code}`, d.typeLiaison] as const),
  ...regionsData.map((r) => [`region:${r.code}`, r.typeLiaison] as const),
]);

function withLink(kind: 'departement' | 'region', code: string, nom: string): string {
  return `${LINKS[liaisons.get(`${kind}:${code}`) ?? 0] ?? 'de '}${nom}`;
}

/** « du Finistère », « de l’Ain », « des Bouches-du-Rhône ». */
export const ofDepartement = (code: string, nom: string) => withLink('departement', code, nom);

/** « de Bretagne », « d’Occitanie », « des Hauts-de-France ». */
export const ofRegion = (code: string, nom: string) => withLink('region', code, nom);

/** « de Quimper », « d’Angers », « du Havre », « des Sables-d’Olonne ». */
export function ofCommune(nom: string): string {
  if (nom.startsWith('Le ')) return `du ${nom.slice(3)}`;
  if (nom.startsWith('Les ')) return `des ${nom.slice(4)}`;
  // Names starting with an h are left with « de »: most of them aspirate it (Haguenau, Le Havre).
  if (/^[AEIOUYÂÉÈÊÎÔ]/.test(nom)) return `d’${nom}`;
  return `de ${nom}`;
}

export const ASSOCIATION_NAMES = [
  'Clic & Lien', 'Le Fil Numérique', 'Pixel Solidaire', 'Les Passeurs du Numérique', 'Connexions Citoyennes',
  'Numérique Pour Tous', 'Le Relais Numérique', 'Cyber-Base Solidaire', 'Les Ateliers du Clic', 'Trait d’Union Numérique',
  'Écrans Partagés', 'La Souris Verte', 'Entraide Numérique', 'Le Lien 2.0', 'Accès Libre', 'Tous Connectés',
  'Les Petits Débrouillards du Web', 'Bug & Bienveillance', 'Le Clavier Partagé', 'Au Fil des Clics', 'Solidarité Numérique',
  'La Puce à l’Oreille', 'Ordi Solidaire', 'Les Écrans du Lien', 'Inclusion Connectée', 'Réseau Entr’Aide', 'Mots & Clics',
  'Le Pont Numérique', 'Cap Numérique', 'Les Voisins Connectés',
];

export const LEGAL_REPRESENTATIVES = ['Présidente', 'Président', 'Directrice', 'Directeur', 'Maire', 'Co-présidente'];

export const STREETS = [
  'place de la Mairie', 'rue de la République', 'rue Jean-Jaurès', 'avenue de la Gare', 'rue Victor-Hugo', 'place du Marché',
  'rue de l’Église', 'boulevard Pasteur', 'rue des Écoles', 'allée des Tilleuls', 'rue du Général-de-Gaulle', 'place de la Liberté',
];
